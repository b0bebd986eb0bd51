// Gopher quality rules: Rae et al., 2021, "Scaling Language Models: Methods, Analysis &
// Insights from Training Gopher", appendix A.1.1. A document passes when it has 50 to 100,000
// words of mean length 3 to 10 characters, at most 0.1 "#" and at most 0.1 ellipses per word,
// at most 90% of lines starting with a bullet, at most 30% ending with an ellipsis, at least
// 80% of words containing a letter, and at least two of the stop words
// "the, be, to, of, and, that, have, with".
import type { GopherQualityConfig } from './config';
import { countOccurrences, splitLines } from './text';
import { RuleReport } from './verdict';

const BULLET_START = /^[•‣◦▪●·*-]/u;
const LETTER = /\p{L}/u;

/**
 * Measures `text` against the Gopher quality rules; `words` come from splitWords(text). The
 * stop-word rule runs only when `config.stopWords` has a list for `language`, because the
 * Gopher list is English.
 */
export function checkGopherQuality(
  text: string,
  words: readonly string[],
  language: string,
  config: GopherQualityConfig,
): RuleReport {
  const report = new RuleReport();
  const wordCount = words.length;

  if (wordCount < config.minWords) {
    report.fail('gopher_word_count', wordCount, config.minWords, 'fewer words than the minimum');
  } else if (wordCount > config.maxWords) {
    report.fail('gopher_word_count', wordCount, config.maxWords, 'more words than the maximum');
  }
  report.scores.gopher_word_count = wordCount;
  if (wordCount === 0) return report;

  let characters = 0;
  for (const word of words) characters += word.length;
  const meanLength = characters / wordCount;
  report.atLeast('gopher_mean_word_length', meanLength, config.minMeanWordLength);
  if (meanLength > config.maxMeanWordLength) {
    report.fail('gopher_mean_word_length', meanLength, config.maxMeanWordLength, 'mean word length above the maximum');
  }

  report.atMost('gopher_hash_word_ratio', countOccurrences(text, '#') / wordCount, config.maxHashWordRatio);
  const ellipses = countOccurrences(text, '...') + countOccurrences(text, '…');
  report.atMost('gopher_ellipsis_word_ratio', ellipses / wordCount, config.maxEllipsisWordRatio);

  const lines = splitLines(text);
  if (lines.length > 0) {
    const bulletLines = lines.filter((line) => BULLET_START.test(line)).length;
    report.atMost('gopher_bullet_lines', bulletLines / lines.length, config.maxBulletLinesRatio);
    const ellipsisLines = lines.filter((line) => line.endsWith('...') || line.endsWith('…')).length;
    report.atMost('gopher_ellipsis_lines', ellipsisLines / lines.length, config.maxEllipsisLinesRatio);
  }

  // Whitespace-separated tokens, so "—", "|" and "42" count as words without a letter.
  const tokens = text.split(/\s+/).filter((token) => token !== '');
  const alphaTokens = tokens.filter((token) => LETTER.test(token)).length;
  report.atLeast('gopher_alpha_words', alphaTokens / tokens.length, config.minAlphaWordsRatio);

  const stopWords = config.stopWords[language];
  if (stopWords !== undefined) {
    report.atLeast('gopher_stop_words', countStopWords(words, stopWords), config.minStopWords);
  }
  return report;
}

/** Counts how many distinct stop words occur among `words`, ignoring case. */
function countStopWords(words: readonly string[], stopWords: readonly string[]): number {
  const wanted = new Set(stopWords);
  const longest = Math.max(0, ...stopWords.map((word) => word.length));
  const found = new Set<string>();
  for (const word of words) {
    if (word.length > longest) continue;
    const lower = word.toLowerCase();
    if (wanted.has(lower)) {
      found.add(lower);
      if (found.size === wanted.size) break;
    }
  }
  return found.size;
}
