// C4 line and document rules: Raffel et al., 2020, "Exploring the Limits of Transfer Learning
// with a Unified Text-to-Text Transformer", section 2.2, in the order of the reference cleaner
// `clean_page` (tensorflow_datasets/text/c4_utils.py). Per line, after trimming:
// 1. drop a line with a word over 1,000 characters;
// 2. remove Wikipedia citation markers ("[12]", "[edit]", "[citation needed]");
// 3. drop a line that does not end in terminal punctuation (a trailing "..." does not count);
// 4. drop a line with fewer than 3 words;
// 5. drop the document when the line contains "lorem ipsum";
// 6. drop a line that mentions "javascript";
// 7. drop the document when the line contains "{" (C4's guard against code);
// 8. drop a line with cookie or terms-of-use boilerplate.
// The document also fails with fewer than 5 sentences in the lines that remain. Because rules
// 3 and 4 run first, a "{" only drops the document when it sits in a line that reads like
// prose. Code lines are removed by the line rules instead.
import type { C4Config } from './config';
import { endsWithTerminalPunctuation, splitWords } from './text';
import { RuleReport } from './verdict';

const CITATION = /\[\d*\]|\[edit\]|\[citation needed\]/gi;
const POLICY_PHRASES = ['terms of use', 'privacy policy', 'cookie policy', 'uses cookies', 'use of cookies', 'use cookies'];
const SENTENCE_END = /\p{Sentence_Terminal}+["'”’»)\]]*(?=\s|$)/gu;

export interface C4Result {
  report: RuleReport;
  /** The kept lines joined by newlines, with one blank line where paragraphs were apart. */
  text: string;
  linesRemoved: number;
}

/** Applies the C4 line rules to `text` and checks the document rules on what remains. */
export function applyC4Rules(text: string, config: C4Config): C4Result {
  const report = new RuleReport();
  const kept: string[] = [];
  let linesRemoved = 0;
  let sentences = 0;
  let loremIpsum = false;
  let curlyBracket = false;
  let paragraphBreak = false;

  for (const rawLine of text.split('\n')) {
    const trimmed = rawLine.trim();
    if (trimmed === '') {
      paragraphBreak = true;
      continue;
    }
    const line = keepLine(trimmed, config);
    if (line === undefined) {
      linesRemoved += 1;
      continue;
    }
    const lower = line.toLowerCase();
    if (config.dropDocumentsWithLoremIpsum && lower.includes('lorem ipsum')) loremIpsum = true;
    if (config.dropLinesWithJavascript && lower.includes('javascript')) {
      linesRemoved += 1;
      continue;
    }
    if (config.dropDocumentsWithCurlyBracket && line.includes('{')) curlyBracket = true;
    if (config.dropLinesWithPolicy && POLICY_PHRASES.some((phrase) => lower.includes(phrase))) {
      linesRemoved += 1;
      continue;
    }
    sentences += countSentences(line);
    // Keep one blank line where the input had any, so paragraphs stay apart.
    if (paragraphBreak && kept.length > 0) kept.push('');
    paragraphBreak = false;
    kept.push(line);
  }

  if (loremIpsum) report.fail('c4_lorem_ipsum', 1, 0, 'a line contains "lorem ipsum"');
  if (curlyBracket) report.fail('c4_curly_bracket', 1, 0, 'a line contains "{"');
  report.atLeast('c4_too_few_sentences', sentences, config.minSentences);
  return { report, text: kept.join('\n'), linesRemoved };
}

/** Returns the line after the per-line rules 1 to 4, or undefined when one of them drops it. */
function keepLine(trimmed: string, config: C4Config): string | undefined {
  // Words as the other rules count them, so a line of Chinese or Japanese has more than one.
  const words = splitWords(trimmed);
  if (words.some((word) => word.length > config.maxWordLength)) return undefined;

  const line = config.removeCitations ? trimmed.replace(CITATION, '') : trimmed;
  if (config.dropLinesWithoutTerminalPunctuation && !endsWithTerminalPunctuation(line)) return undefined;
  if (words.length < config.minWordsPerLine) return undefined;
  return line;
}

/** Counts sentence ends in a line; a kept line without one is one sentence. */
function countSentences(line: string): number {
  const ends = line.match(SENTENCE_END)?.length ?? 0;
  return Math.max(1, ends);
}
