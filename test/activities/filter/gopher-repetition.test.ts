import { describe, expect, it } from 'vitest';
import { GopherRepetitionConfig } from '../../../activities/filter/config';
import { checkGopherRepetition } from '../../../activities/filter/gopher-repetition';
import { splitWords } from '../../../activities/filter/text';
import type { RuleReport } from '../../../activities/filter/verdict';
import { uniqueWord, uniqueWords } from './fixtures';

const config = GopherRepetitionConfig.parse({});

function check(text: string): RuleReport {
  return checkGopherRepetition(text, splitWords(text), config);
}

function failed(report: RuleReport, rule: string): boolean {
  return report.failures.some((failure) => failure.rule === rule);
}

/** `total` distinct lines of which the last `duplicates` repeat the first line. */
function linesWithDuplicates(total: number, duplicates: number, separator = '\n'): string {
  const lines = uniqueWords(total, 6).map((word) => `${word} is a line`);
  for (let i = total - duplicates; i < total; i += 1) lines[i] = lines[0]!;
  return lines.join(separator);
}

describe('gopher repetition rules', () => {
  it('duplicate lines keep 30% and drop 40%', () => {
    expect(check(linesWithDuplicates(10, 3)).scores.dup_line_frac).toBe(0.3);
    expect(failed(check(linesWithDuplicates(10, 3)), 'dup_line_frac')).toBe(false);
    expect(failed(check(linesWithDuplicates(10, 4)), 'dup_line_frac')).toBe(true);
  });

  it('blank lines do not count as duplicate lines', () => {
    const text = uniqueWords(10, 6).map((word) => `${word} is a line`).join('\n\n\n');
    const report = check(text);
    expect(report.scores.dup_line_frac).toBe(0);
    expect(report.scores.dup_para_frac).toBe(0);
  });

  it('lines differing only in surrounding spaces are duplicates', () => {
    expect(check('alpha beta\n  alpha beta  \ngamma delta').scores.dup_line_frac).toBeCloseTo(1 / 3, 10);
  });

  it('duplicate paragraphs keep 30% and drop 40%', () => {
    expect(failed(check(linesWithDuplicates(10, 3, '\n\n')), 'dup_para_frac')).toBe(false);
    expect(failed(check(linesWithDuplicates(10, 4, '\n\n')), 'dup_para_frac')).toBe(true);
  });

  // A line of `a` characters twice and one filler line: duplicate characters are a / total.
  function charFraction(repeated: number, filler: number, separator: string): string {
    const line = 'x'.repeat(repeated);
    return [line, line, 'y'.repeat(filler)].join(separator);
  }

  it('duplicate line characters keep 0.20 and drop 0.2004', () => {
    const atBound = charFraction(100, 298, '\n'); // 100 / 500
    expect(check(atBound).scores.dup_line_char_frac).toBe(0.2);
    expect(failed(check(atBound), 'dup_line_char_frac')).toBe(false);
    expect(failed(check(charFraction(100, 297, '\n')), 'dup_line_char_frac')).toBe(true);
  });

  it('duplicate paragraph characters keep 0.20 and drop 0.2004', () => {
    const atBound = charFraction(100, 296, '\n\n'); // 100 / 500
    expect(check(atBound).scores.dup_para_char_frac).toBe(0.2);
    expect(failed(check(atBound), 'dup_para_char_frac')).toBe(false);
    expect(failed(check(charFraction(100, 295, '\n\n')), 'dup_para_char_frac')).toBe(true);
  });

  // The n-gram "w1 .. wn" of 4-letter words `repeats` times, each followed by distinct fillers.
  function topNgramText(n: number, repeats: number, fillers: number): string {
    const gram = uniqueWords(n, 4, 10_000);
    const words: string[] = [];
    const filler = uniqueWords(fillers, 4);
    for (let i = 0; i < repeats; i += 1) words.push(...gram, filler[i]!);
    words.push(...filler.slice(repeats));
    return words.join(' ');
  }

  it.each([
    [2, 0.2],
    [3, 0.18],
    [4, 0.16],
  ])('top %i-gram keeps %f of characters and drops more', (n, bound) => {
    // Fraction = repeats * n / (repeats * n + fillers); choose fillers for the bound and one fewer.
    const repeats = 4;
    const fillers = Math.ceil((repeats * n) / bound - repeats * n - 1e-9);
    const passing = check(topNgramText(n, repeats, fillers));
    expect(passing.scores[`top_${n}gram_frac`]).toBeLessThanOrEqual(bound);
    expect(failed(passing, `top_${n}gram_frac`)).toBe(false);
    const failing = check(topNgramText(n, repeats, fillers - 1));
    expect(failing.scores[`top_${n}gram_frac`]).toBeGreaterThan(bound);
    expect(failed(failing, `top_${n}gram_frac`)).toBe(true);
  });

  it('an n-gram seen once is no repetition', () => {
    expect(check(uniqueWords(200).join(' ')).scores.top_2gram_frac).toBe(0);
  });

  // A block of n distinct words twice, then distinct fillers: duplicated share = n / (2n + fillers).
  function duplicatedBlock(n: number, fillers: number): string {
    const block = uniqueWords(n, 4, 20_000);
    return [...block, ...block, ...uniqueWords(fillers, 4)].join(' ');
  }

  it.each([
    [5, 0.15],
    [6, 0.14],
    [7, 0.13],
    [8, 0.12],
    [9, 0.11],
    [10, 0.1],
  ])('duplicated %i-grams keep %f of characters and drop more', (n, bound) => {
    const fillers = Math.ceil(n / bound - 2 * n - 1e-9);
    const passing = check(duplicatedBlock(n, fillers));
    expect(passing.scores[`dup_${n}gram_frac`]).toBeLessThanOrEqual(bound);
    expect(failed(passing, `dup_${n}gram_frac`)).toBe(false);
    const failing = check(duplicatedBlock(n, fillers - 1));
    expect(failing.scores[`dup_${n}gram_frac`]).toBeGreaterThan(bound);
    expect(failed(failing, `dup_${n}gram_frac`)).toBe(true);
  });

  it('overlapping duplicated n-grams count each word once', () => {
    // One word 30 times: the 25 repeated 5-grams overlap and cover words 2 to 30, so 29 of
    // 30 words count once each instead of 25 * 5 times.
    const report = check(Array.from({ length: 30 }, () => uniqueWord(7)).join(' '));
    expect(report.scores.dup_5gram_frac).toBeCloseTo(29 / 30, 10);
  });

  it('Chinese repetition is measured on segmented words', () => {
    const sentence = '我们今天去北京看长城，然后在王府井吃了晚饭。';
    const report = check(sentence.repeat(5));
    expect(report.scores.dup_5gram_frac).toBeGreaterThan(0.7);
    expect(failed(report, 'dup_5gram_frac')).toBe(true);
  });
});
