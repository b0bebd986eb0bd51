import { describe, expect, it } from 'vitest';
import { FilterTally, formatFilterSummary, keptDocument, rejectionOf } from '../../../activities/filter/accounting';
import type { FilterVerdict } from '../../../activities/filter/verdict';
import { documentOf } from './fixtures';

function verdict(language: string, failures: FilterVerdict['failures'] = [], text?: string): FilterVerdict {
  const result: FilterVerdict = {
    keep: failures.length === 0,
    failures,
    metadata: { language, languageScore: 0.9, qualityScores: { gopher_word_count: 120 }, filtersPassed: ['language_id'] },
  };
  if (text !== undefined) result.text = text;
  return result;
}

describe('filter accounting', () => {
  it('kept documents carry the rewritten text and metadata', () => {
    const kept = keptDocument(documentOf('Menu\nA sentence.'), verdict('en', [], 'A sentence.'));
    expect(kept.text).toBe('A sentence.');
    expect(kept.metadata).toMatchObject({ inputUri: 'file:///tmp/input.jsonl', language: 'en', languageScore: 0.9, filtersPassed: ['language_id'] });
  });

  it('rejections name the first rule and list every failure', () => {
    const rejection = rejectionOf(
      verdict('de', [
        { rule: 'language_not_allowed', measured: 0, threshold: 1, detail: 'language "de" is not in [en]' },
        { rule: 'dup_line_frac', measured: 0.4, threshold: 0.3 },
      ]),
    );
    expect(rejection.reason).toBe('language_not_allowed');
    expect(rejection.detail).toBe('Failed 2 quality rule(s): language_not_allowed 0 (limit 1), dup_line_frac 0.400 (limit 0.300)');
    expect(rejection.measurements).toMatchObject({ language: 'de', failures: [{ rule: 'language_not_allowed' }, { rule: 'dup_line_frac' }] });
  });

  it('tallies by first rule, by every rule and by language', () => {
    const tally = new FilterTally();
    tally.add(verdict('en'));
    tally.add(verdict('en', [{ rule: 'dup_line_frac', measured: 0.4, threshold: 0.3 }, { rule: 'dup_para_frac', measured: 0.4, threshold: 0.3 }]));
    tally.add(verdict('de', [{ rule: 'language_not_allowed', measured: 0, threshold: 1 }, { rule: 'dup_line_frac', measured: 0.5, threshold: 0.3 }]));
    expect(tally.stats).toEqual({
      total: 3,
      kept: 1,
      dropped: 2,
      droppedByReason: { dup_line_frac: 1, language_not_allowed: 1 },
      skippedByReason: {},
    });
    expect(tally.failuresByRule).toEqual({ dup_line_frac: 2, dup_para_frac: 1, language_not_allowed: 1 });
    expect(tally.byLanguage).toEqual({ en: { kept: 1, dropped: 1 }, de: { kept: 0, dropped: 1 } });
  });

  it('summary line lists the largest reasons first', () => {
    const stats = { total: 1000, kept: 610, dropped: 390, droppedByReason: { dup_line_frac: 90, language_not_allowed: 120, c4_too_few_sentences: 180 }, skippedByReason: {} };
    expect(formatFilterSummary(stats)).toBe('kept 61% of 1,000: 18% c4_too_few_sentences, 12% language_not_allowed, 9% dup_line_frac');
    expect(formatFilterSummary({ ...stats, droppedByReason: {} })).toBe('kept 61% of 1,000');
  });
});
