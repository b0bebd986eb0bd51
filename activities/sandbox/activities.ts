// Temporal activities of the `sandbox` task queue. The worker calls checkSandboxAvailable() once,
// then registers createSandboxActivities(config, availability.isolation).
import { ApplicationFailure } from '@temporalio/common';
import type { SandboxConfig } from './config';
import { runInSandbox } from './run';
import { SandboxRequest, type SandboxResult } from './schema';

// The result travels through Temporal history, whose payloads must stay well under 256 KB.
const MAX_HISTORY_STDOUT_BYTES = 128 * 1024;

export function createSandboxActivities(config: SandboxConfig, isolation: 'bubblewrap' | 'unsafe') {
  return {
    /** Runs one program with its tests; the outcome is data, so only a broken sandbox throws. */
    async runSandboxed(input: SandboxRequest): Promise<SandboxResult> {
      const parsed = SandboxRequest.safeParse(input);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`).join('; ');
        throw ApplicationFailure.nonRetryable(`Invalid runSandboxed input: ${issues}`, 'InvalidSandboxRequest');
      }
      if (parsed.data.maxStdoutBytes > MAX_HISTORY_STDOUT_BYTES) {
        throw ApplicationFailure.nonRetryable(
          `Invalid runSandboxed input: maxStdoutBytes is ${parsed.data.maxStdoutBytes}, but results returned through Temporal history may keep at most ${MAX_HISTORY_STDOUT_BYTES} bytes of stdout; write large output from an activity that stores it instead.`,
          'InvalidSandboxRequest',
        );
      }
      return runInSandbox(config, parsed.data, isolation);
    },
  };
}

export type SandboxActivities = ReturnType<typeof createSandboxActivities>;
