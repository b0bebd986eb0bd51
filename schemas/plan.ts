// What the planning activity returns: counts and a storage prefix, never the file list itself.
import { z } from 'zod';

export const PlanShardsOutput = z.object({
  inputUri: z.string().describe('Input root as a URI; document ids derive from paths relative to it'),
  outputUri: z.string(),
  planPrefix: z.string().describe('Storage prefix holding one JSON plan object per shard'),
  shardCount: z.number().int().nonnegative(),
  fileCount: z.number().int().nonnegative(),
  totalBytes: z.number().int().nonnegative(),
  skippedFiles: z.record(z.string(), z.number().int().nonnegative()),
  planHash: z.string(),
});
export type PlanShardsOutput = z.infer<typeof PlanShardsOutput>;
