// Per-stage counters. Every stage returns these so the workflow can sum them and log one line.
import { z } from 'zod';

export const StageStats = z.object({
  total: z.number().int().nonnegative(),
  kept: z.number().int().nonnegative(),
  dropped: z.number().int().nonnegative(),
  droppedByReason: z.record(z.string(), z.number().int().nonnegative()),
  skippedByReason: z
    .record(z.string(), z.number().int().nonnegative())
    .default({})
    .describe('Input records that were not documents at all, such as WARC request records'),
});
export type StageStats = z.infer<typeof StageStats>;

export function emptyStats(): StageStats {
  return { total: 0, kept: 0, dropped: 0, droppedByReason: {}, skippedByReason: {} };
}

function addCounts(target: Record<string, number>, source: Record<string, number>): void {
  for (const [reason, count] of Object.entries(source)) {
    target[reason] = (target[reason] ?? 0) + count;
  }
}

/** Adds `source` into `target` in place and returns `target`. */
export function addStats(target: StageStats, source: StageStats): StageStats {
  target.total += source.total;
  target.kept += source.kept;
  target.dropped += source.dropped;
  addCounts(target.droppedByReason, source.droppedByReason);
  addCounts(target.skippedByReason, source.skippedByReason ?? {});
  return target;
}
