// Hash of the options that change a stage's output; concurrency and timeouts are left out.
import { z } from 'zod';
import { hashConfig } from '../manifest/hash';

/** Bump when a stage's code changes its output for the same input and options. */
export const STAGE_VERSIONS: Record<string, number> = { extract: 1, filter: 1 };

export const HashStageConfigInput = z.object({ stage: z.string(), options: z.unknown() });

export async function hashStageConfig(rawInput: z.infer<typeof HashStageConfigInput>): Promise<string> {
  const params = HashStageConfigInput.parse(rawInput);
  return hashConfig({ stage: params.stage, version: STAGE_VERSIONS[params.stage] ?? 0, options: params.options });
}
