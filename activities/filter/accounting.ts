// Turns quality-filter verdicts into what the shard activity writes and reports: the kept
// document with its filter metadata, the rejected record's reason and measurements, and
// counts per rule and per language for the manifest and the run summary.
import type { Document, RejectedRecord } from '../../schemas/document';
import type { StageStats } from '../../schemas/stats';
import { emptyStats } from '../../schemas/stats';
import type { FilterVerdict } from './verdict';

/** Returns the document to pass on: C4's rewritten text, if any, and the verdict's metadata. */
export function keptDocument(document: Document, verdict: FilterVerdict): Document {
  return {
    ...document,
    text: verdict.text ?? document.text,
    metadata: { ...document.metadata, ...verdict.metadata },
  };
}

/**
 * Builds the reason, detail and measurements of a rejected record. The reason is the first
 * failed rule in evaluation order (language, corruption, Gopher, C4, FineWeb), and
 * `measurements.failures` lists every failure with its measured value and threshold.
 */
export function rejectionOf(verdict: FilterVerdict): Pick<RejectedRecord, 'reason' | 'detail' | 'measurements'> {
  const first = verdict.failures[0];
  if (!first) throw new Error('rejectionOf() needs a verdict with at least one failure');
  const listed = verdict.failures.map((failure) => `${failure.rule} ${formatNumber(failure.measured)} (limit ${formatNumber(failure.threshold)})`);
  return {
    reason: first.rule,
    detail: `Failed ${verdict.failures.length} quality rule(s): ${listed.join(', ')}`,
    measurements: {
      failures: verdict.failures,
      language: verdict.metadata.language,
      languageScore: verdict.metadata.languageScore,
      qualityScores: verdict.metadata.qualityScores,
    },
  };
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}

/** Counts over many verdicts: stage stats by first failed rule, every failure, and languages. */
export class FilterTally {
  readonly stats: StageStats = emptyStats();
  /** Documents failing each rule; a document failing three rules counts under all three. */
  readonly failuresByRule: Record<string, number> = {};
  readonly byLanguage: Record<string, { kept: number; dropped: number }> = {};

  add(verdict: FilterVerdict): void {
    this.stats.total += 1;
    const language = (this.byLanguage[verdict.metadata.language] ??= { kept: 0, dropped: 0 });
    if (verdict.keep) {
      this.stats.kept += 1;
      language.kept += 1;
      return;
    }
    this.stats.dropped += 1;
    language.dropped += 1;
    const reason = verdict.failures[0]!.rule;
    this.stats.droppedByReason[reason] = (this.stats.droppedByReason[reason] ?? 0) + 1;
    for (const rule of new Set(verdict.failures.map((failure) => failure.rule))) {
      this.failuresByRule[rule] = (this.failuresByRule[rule] ?? 0) + 1;
    }
  }
}

/**
 * Formats one summary line, such as "kept 61% of 1,000: 12% language_not_allowed, 9% dup_line_frac".
 * Shares are of all documents, by first failed rule, largest first.
 */
export function formatFilterSummary(stats: StageStats, maxReasons = 5): string {
  const percent = (count: number) => `${Math.round((100 * count) / Math.max(1, stats.total))}%`;
  const reasons = Object.entries(stats.droppedByReason)
    .sort(([ruleA, a], [ruleB, b]) => b - a || ruleA.localeCompare(ruleB))
    .slice(0, maxReasons)
    .map(([rule, count]) => `${percent(count)} ${rule}`);
  const head = `kept ${percent(stats.kept)} of ${stats.total.toLocaleString('en-US')}`;
  return reasons.length > 0 ? `${head}: ${reasons.join(', ')}` : head;
}
