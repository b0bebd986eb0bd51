import { describe, expect, it } from 'vitest';
import { FinewebConfig } from '../../../activities/filter/config';
import { checkFineweb } from '../../../activities/filter/fineweb';
import { splitWords } from '../../../activities/filter/text';
import type { RuleReport } from '../../../activities/filter/verdict';
import { uniqueWords } from './fixtures';

const config = FinewebConfig.parse({});

function check(text: string): RuleReport {
  return checkFineweb(text, splitWords(text), config);
}

function failed(report: RuleReport, rule: string): boolean {
  return report.failures.some((failure) => failure.rule === rule);
}

describe('fineweb rules', () => {
  it('terminal punctuation keeps 12% of lines and drops 11%', () => {
    const lines = (punctuated: number) =>
      uniqueWords(100, 6).map((word, i) => `${word} is one of the lines in this list${i < punctuated ? '.' : ''}`).join('\n');
    expect(check(lines(12)).scores.fineweb_line_punct_ratio).toBe(0.12);
    expect(failed(check(lines(12)), 'fineweb_line_punct_ratio')).toBe(false);
    expect(failed(check(lines(11)), 'fineweb_line_punct_ratio')).toBe(true);
  });

  it('short lines keep 67% and drop 68%', () => {
    // Short lines are exactly 30 characters, long ones 31.
    const lines = (short: number) =>
      uniqueWords(100, 6).map((word, i) => `${word} ${'x'.repeat(i < short ? 22 : 23)}.`).join('\n');
    expect(check(lines(67)).scores.fineweb_short_line_ratio).toBe(0.67);
    expect(failed(check(lines(67)), 'fineweb_short_line_ratio')).toBe(false);
    expect(failed(check(lines(68)), 'fineweb_short_line_ratio')).toBe(true);
  });

  it('duplicate line characters keep 1% and drop more', () => {
    // A 10-character line twice and one filler line: 10 / (20 + filler) characters repeat.
    const text = (filler: number) => ['abcdefghi.', 'abcdefghi.', `${'y'.repeat(filler - 1)}.`].join('\n');
    expect(check(text(980)).scores.fineweb_dup_line_char_frac).toBe(0.01);
    expect(failed(check(text(980)), 'fineweb_dup_line_char_frac')).toBe(false);
    expect(failed(check(text(979)), 'fineweb_dup_line_char_frac')).toBe(true);
  });

  it('newlines per word keep 0.30 and drop 0.31', () => {
    // 100 words; the first `newlines` separators are line breaks, the rest spaces.
    const text = (newlines: number) =>
      uniqueWords(100, 5).reduce((joined, word, i) => (i === 0 ? word : `${joined}${i <= newlines ? '\n' : ' '}${word}`), '');
    expect(check(text(30)).scores.fineweb_newline_word_ratio).toBe(0.3);
    expect(failed(check(text(30)), 'fineweb_newline_word_ratio')).toBe(false);
    expect(failed(check(text(31)), 'fineweb_newline_word_ratio')).toBe(true);
  });

  it('blank lines are not short lines', () => {
    const text = uniqueWords(10, 6).map((word) => `${word} is a sentence that is long enough to count.`).join('\n\n\n');
    expect(check(text).scores.fineweb_short_line_ratio).toBe(0);
  });

  it('an empty text has nothing to measure', () => {
    expect(check('').failures).toEqual([]);
  });
});
