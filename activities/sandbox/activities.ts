// Temporal activities of the `sandbox` task queue. The worker calls checkSandboxAvailable() once,
// then registers createSandboxActivities(config, availability.isolation).
import { ApplicationFailure } from '@temporalio/common';
import type { SandboxConfig } from './config';
import { runInSandbox } from './run';
import { SandboxRequest, type SandboxResult } from './schema';

export function createSandboxActivities(config: SandboxConfig, isolation: 'bubblewrap' | 'unsafe') {
  return {
    /** Runs one program with its tests; the outcome is data, so only a broken sandbox throws. */
    async runSandboxed(input: SandboxRequest): Promise<SandboxResult> {
      const parsed = SandboxRequest.safeParse(input);
      if (!parsed.success) {
        throw ApplicationFailure.nonRetryable(`Invalid sandbox request: ${parsed.error.message}`, 'InvalidSandboxRequest');
      }
      return runInSandbox(config, parsed.data, isolation);
    },
  };
}

export type SandboxActivities = ReturnType<typeof createSandboxActivities>;
