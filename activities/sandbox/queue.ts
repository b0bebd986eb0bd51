// Everything a `sandbox` queue worker registers, behind the isolation check it must pass first.
import { createFimActivities } from '../fim/activities';
import { registerFimResponseSchemas } from '../fim/prompt';
import { createReversalSandboxActivities } from '../instruction-reversal/activities';
import { registerReversalResponseSchemas } from '../instruction-reversal/prompt';
import { createSandboxActivities } from './activities';
import { checkSandboxAvailable, type SandboxAvailability } from './available';
import { sandboxConfigFromEnv, type SandboxConfig } from './config';

export interface SandboxQueueOptions {
  config?: SandboxConfig;
  /**
   * Sandboxed runs at once inside one activity; the number of CPUs when unset. With several
   * activities in flight per worker, divide the CPUs between them.
   */
  runsPerActivity?: number;
}

/**
 * Checks isolation (throws with the fix when it is missing and unsafe mode is not configured) and
 * returns the sandbox-queue activities: runSandboxed, prepareFimExercises, gradeFimExercises,
 * prepareReversal and gradeReversal.
 */
export async function createSandboxQueueActivities(options: SandboxQueueOptions = {}) {
  const config = options.config ?? sandboxConfigFromEnv();
  const availability: SandboxAvailability = await checkSandboxAvailable(config);
  const runner = { config, isolation: availability.isolation, concurrency: options.runsPerActivity };
  const activities = {
    ...createSandboxActivities(config, availability.isolation),
    ...createFimActivities(runner),
    ...createReversalSandboxActivities(runner),
  };
  return { availability, activities };
}

/** Registers the reply schemas of the FIM and reversal prompts; call it in every `llm` queue worker. */
export function registerCodeStageResponseSchemas(): void {
  registerFimResponseSchemas();
  registerReversalResponseSchemas();
}
