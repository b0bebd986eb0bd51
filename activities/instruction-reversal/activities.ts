// Temporal activities of instruction reversal. prepareReversal and gradeReversal run code, so
// they belong on the `sandbox` task queue; buildRegenerationRequests only reads and writes files
// (`cpu` queue). The two model calls between them are the llm layer's completeRequests.
import type { SandboxRunner } from '../fim/run-tests';
import { gradeReversal } from './grade';
import { prepareReversal } from './prepare';
import { buildRegenerationRequests } from './regenerate';
import type { GradeReversalInput, PrepareReversalInput } from './schema';

export function createReversalSandboxActivities(runner: SandboxRunner) {
  return {
    prepareReversal: (input: PrepareReversalInput) => prepareReversal(runner, input),
    gradeReversal: (input: GradeReversalInput) => gradeReversal(runner, input),
  };
}

export const reversalCpuActivities = { buildRegenerationRequests };

export type ReversalSandboxActivities = ReturnType<typeof createReversalSandboxActivities>;
export type ReversalCpuActivities = typeof reversalCpuActivities;
