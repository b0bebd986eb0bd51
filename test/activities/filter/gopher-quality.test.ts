import { describe, expect, it } from 'vitest';
import { GopherQualityConfig } from '../../../activities/filter/config';
import { checkGopherQuality } from '../../../activities/filter/gopher-quality';
import { splitWords } from '../../../activities/filter/text';
import type { RuleReport } from '../../../activities/filter/verdict';
import { uniqueWords } from './fixtures';

const config = GopherQualityConfig.parse({});

function check(text: string, language = 'en'): RuleReport {
  return checkGopherQuality(text, splitWords(text), language, config);
}

function failed(report: RuleReport, rule: string): boolean {
  return report.failures.some((failure) => failure.rule === rule);
}

// Stop words plus distinct filler words, so only the rule under test is near its bound.
function prose(words: number): string {
  return ['the', 'and', ...uniqueWords(words - 2, 5)].join(' ');
}

describe('gopher quality rules', () => {
  it('word count keeps 50 words and drops 49', () => {
    expect(failed(check(prose(50)), 'gopher_word_count')).toBe(false);
    const report = check(prose(49));
    expect(report.failures.find((failure) => failure.rule === 'gopher_word_count')).toMatchObject({ measured: 49, threshold: 50 });
  });

  it('word count keeps 100,000 words and drops 100,001', () => {
    expect(failed(check(prose(100_000)), 'gopher_word_count')).toBe(false);
    expect(check(prose(100_001)).failures.find((failure) => failure.rule === 'gopher_word_count')).toMatchObject({
      measured: 100_001,
      threshold: 100_000,
    });
  });

  it('mean word length keeps 3.0 and drops 2.98', () => {
    const threeLetters = uniqueWords(50, 3).join(' ');
    expect(check(threeLetters).scores.gopher_mean_word_length).toBe(3);
    expect(failed(check(threeLetters), 'gopher_mean_word_length')).toBe(false);
    const shorter = [...uniqueWords(49, 3), 'ab'].join(' ');
    expect(check(shorter).scores.gopher_mean_word_length).toBeCloseTo(2.98, 10);
    expect(failed(check(shorter), 'gopher_mean_word_length')).toBe(true);
  });

  it('mean word length keeps 10.0 and drops 10.02', () => {
    expect(failed(check(uniqueWords(50, 10).join(' ')), 'gopher_mean_word_length')).toBe(false);
    const longer = check([...uniqueWords(49, 10), uniqueWords(1, 11)[0]].join(' '));
    expect(longer.failures.find((failure) => failure.rule === 'gopher_mean_word_length')).toMatchObject({ threshold: 10 });
  });

  it('punctuation around words does not count toward word length', () => {
    const words = splitWords('"Hello," she said... (quietly)!');
    expect(words).toEqual(['Hello', 'she', 'said', 'quietly']);
  });

  it('hash ratio keeps 0.10 and drops 0.11', () => {
    const words = uniqueWords(100, 5);
    expect(check(`${words.join(' ')} ${'# '.repeat(10)}`).scores.gopher_hash_word_ratio).toBe(0.1);
    expect(failed(check(`${words.join(' ')} ${'# '.repeat(10)}`), 'gopher_hash_word_ratio')).toBe(false);
    expect(failed(check(`${words.join(' ')} ${'# '.repeat(11)}`), 'gopher_hash_word_ratio')).toBe(true);
  });

  it('ellipsis ratio counts both spellings, keeps 0.10 and drops 0.11', () => {
    const words = uniqueWords(100, 5).join(' ');
    expect(failed(check(`${words} ${'... '.repeat(5)}${'… '.repeat(5)}`), 'gopher_ellipsis_word_ratio')).toBe(false);
    expect(failed(check(`${words} ${'... '.repeat(6)}${'… '.repeat(5)}`), 'gopher_ellipsis_word_ratio')).toBe(true);
  });

  it('bullet lines keep 90% and drop 91%', () => {
    const lines = (bullets: number) =>
      uniqueWords(100, 5).map((word, i) => (i < bullets ? `• ${word} the and` : `${word} the and`)).join('\n');
    expect(check(lines(90)).scores.gopher_bullet_lines).toBe(0.9);
    expect(failed(check(lines(90)), 'gopher_bullet_lines')).toBe(false);
    expect(failed(check(lines(91)), 'gopher_bullet_lines')).toBe(true);
  });

  it('bullet lines ignore blank lines between items', () => {
    const text = uniqueWords(10, 5).map((word) => `- ${word} the and`).join('\n\n');
    expect(check(text).scores.gopher_bullet_lines).toBe(1);
  });

  it('ellipsis lines keep 30% and drop 31%', () => {
    const lines = (ending: number) =>
      uniqueWords(100, 5).map((word, i) => (i < ending ? `${word} the and…` : `${word} the and.`)).join('\n');
    expect(failed(check(lines(30)), 'gopher_ellipsis_lines')).toBe(false);
    expect(failed(check(lines(31)), 'gopher_ellipsis_lines')).toBe(true);
  });

  it('alphabetic words keep 80% and drop 79%', () => {
    const tokens = (numbers: number) => [...uniqueWords(100 - numbers, 5), ...Array.from({ length: numbers }, (_, i) => String(1000 + i))];
    expect(check(tokens(20).join(' ')).scores.gopher_alpha_words).toBe(0.8);
    expect(failed(check(tokens(20).join(' ')), 'gopher_alpha_words')).toBe(false);
    expect(failed(check(tokens(21).join(' ')), 'gopher_alpha_words')).toBe(true);
  });

  it('stop words need two distinct ones in English', () => {
    const filler = uniqueWords(60, 5).join(' ');
    expect(failed(check(`The ${filler} and`), 'gopher_stop_words')).toBe(false);
    const oneKind = check(`The ${filler} the THE`);
    expect(oneKind.failures.find((failure) => failure.rule === 'gopher_stop_words')).toMatchObject({ measured: 1, threshold: 2 });
  });

  it('stop-word rule skips languages without a list', () => {
    const german = check(`Der ${uniqueWords(60, 5).join(' ')} und die`, 'de');
    expect(german.scores.gopher_stop_words).toBeUndefined();
    expect(failed(german, 'gopher_stop_words')).toBe(false);
  });

  it('look-alike Cyrillic letters do not count as stop words', () => {
    // "thе" and "аnd" below use Cyrillic е and а.
    const spoofed = check(`thе ${uniqueWords(60, 5).join(' ')} аnd`);
    expect(failed(spoofed, 'gopher_stop_words')).toBe(true);
  });

  it('every failed rule is listed, not only the first', () => {
    const report = check('# # # … … 1 2 3');
    const rules = report.failures.map((failure) => failure.rule);
    expect(rules).toEqual(
      expect.arrayContaining(['gopher_word_count', 'gopher_hash_word_ratio', 'gopher_ellipsis_word_ratio', 'gopher_alpha_words', 'gopher_stop_words']),
    );
  });

  it('Chinese text is split into words by the segmenter', () => {
    const words = splitWords('我们今天去北京看长城。');
    expect(words.length).toBeGreaterThan(3);
    expect(words.every((word) => word.length <= 3)).toBe(true);
  });
});
