// What the quality filter says about one document, and the small helpers every rule uses to
// record a measurement and, when it is out of bounds, a failure.
import { z } from 'zod';
import { QualityRule } from './config';

export const RuleFailure = z.object({
  rule: QualityRule,
  measured: z.number(),
  threshold: z.number().describe('The bound the measured value crossed'),
  detail: z.string().optional(),
});
export type RuleFailure = z.infer<typeof RuleFailure>;

export const FilterVerdict = z.object({
  keep: z.boolean(),
  failures: z.array(RuleFailure).describe('Every rule the document failed, not only the first'),
  metadata: z
    .object({
      language: z.string(),
      languageScore: z.number(),
      qualityScores: z.record(z.string(), z.number()).describe('Measured value per rule'),
      filtersPassed: z.array(z.string()).describe('Rule families that ran and found nothing wrong'),
    })
    .catchall(z.unknown()),
  text: z.string().optional().describe('The text after C4 line removal, present when it differs from the input'),
});
export type FilterVerdict = z.infer<typeof FilterVerdict>;

/** Measurements and failures collected by one rule family. */
export class RuleReport {
  readonly failures: RuleFailure[] = [];
  readonly scores: Record<string, number> = {};

  /** Records `measured` and fails `rule` when it is above `max`. */
  atMost(rule: QualityRule, measured: number, max: number, detail?: string): void {
    this.scores[rule] = measured;
    if (measured > max) this.fail(rule, measured, max, detail);
  }

  /** Records `measured` and fails `rule` when it is below `min`. */
  atLeast(rule: QualityRule, measured: number, min: number, detail?: string): void {
    this.scores[rule] = measured;
    if (measured < min) this.fail(rule, measured, min, detail);
  }

  /** Records `measured` under `score` and fails the low or high rule when it is out of bounds. */
  within(score: string, measured: number, low: [QualityRule, number], high: [QualityRule, number]): void {
    this.scores[score] = measured;
    if (measured < low[1]) this.fail(low[0], measured, low[1]);
    if (measured > high[1]) this.fail(high[0], measured, high[1]);
  }

  fail(rule: QualityRule, measured: number, threshold: number, detail?: string): void {
    this.failures.push(detail === undefined ? { rule, measured, threshold } : { rule, measured, threshold, detail });
  }
}
