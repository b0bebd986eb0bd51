// FineWeb document rules: Penedo et al., 2024, "The FineWeb Datasets: Decanting the Web for the
// Finest Text Data at Scale". A document fails when under 12% of its lines end in terminal
// punctuation, over 67% of its lines are 30 characters or shorter, or over 1% of its
// characters (newlines excluded) sit in lines that repeat an earlier line. The fourth rule,
// at most 0.3 newlines per word, comes from datatrove's FineWebQualityFilter, the code the
// dataset was built with. Blank lines are not lines.
import type { FinewebConfig } from './config';
import { countDuplicates, countOccurrences, endsWithTerminalPunctuation, splitLines } from './text';
import { RuleReport } from './verdict';

/** Measures `text` against the FineWeb rules; `words` come from splitWords(text). */
export function checkFineweb(text: string, words: readonly string[], config: FinewebConfig): RuleReport {
  const report = new RuleReport();
  const lines = splitLines(text);
  if (lines.length === 0) return report;

  const punctuated = lines.filter((line) => endsWithTerminalPunctuation(line)).length;
  report.atLeast('fineweb_line_punct_ratio', punctuated / lines.length, config.minLinePunctRatio);

  const short = lines.filter((line) => line.length <= config.shortLineLength).length;
  report.atMost('fineweb_short_line_ratio', short / lines.length, config.maxShortLineRatio);

  const newlines = countOccurrences(text, '\n');
  const characters = Math.max(1, text.length - newlines);
  report.atMost('fineweb_dup_line_char_frac', countDuplicates(lines).chars / characters, config.maxDupLineCharFrac);

  report.atMost('fineweb_newline_word_ratio', newlines / Math.max(1, words.length), config.maxNewlineWordRatio);
  return report;
}
