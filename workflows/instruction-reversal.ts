// The `instructionReversal` workflow: code -> instruction -> code regenerated from the
// instruction alone -> fidelity from running the original's tests on the regenerated code.
// Both model steps are llmRequests child workflows with the generator role.
import { executeChild, log, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { z } from 'zod';
import type { ReversalCpuActivities, ReversalSandboxActivities } from '../activities/instruction-reversal/activities';
import type { GradeReversalOutput, PrepareReversalOutput } from '../activities/instruction-reversal/schema';
import { addUsage, LlmConfig, type LlmUsage } from '../schemas/llm';
import { llmRequests } from './llm-batch';
import { PUBLISH_SYNTHETIC_PATCH, publishSyntheticDataset, type SyntheticPublication } from './publish-synthetic';
import { SyntheticDecontamination, syntheticNearDedup } from '../schemas/dataset';
import { queueFor } from './queues';
import { parseWorkflowInput } from './validate';

// NOTE: settings are validated by the activities (ReversalSettings in
// activities/instruction-reversal/schema.ts), because workflow code may not import runtime values
// from activities/; a bad value fails the first step.
export const InstructionReversalInput = z.object({
  inputUri: z.string().default('.corpusflow/input/code-with-tests.jsonl').describe('JSON Lines of programs with tests'),
  format: z.enum(['humaneval', 'code_with_tests']).default('code_with_tests'),
  outputUri: z.string().default('.corpusflow/instruction-reversal').describe('Folder for this stage'),
  settings: z.record(z.string(), z.unknown()).default({}).describe('ReversalSettings: minFidelity (0-1), limits'),
  llm: LlmConfig.default(LlmConfig.parse({})),
  llmMode: z.enum(['online', 'batch']).default('online'),
  nearDedup: syntheticNearDedup(true).prefault({}).describe('Near-duplicate removal of the output before it is published'),
  decontaminate: SyntheticDecontamination.prefault({}).describe('Benchmark decontamination of the output before it is published'),
});
export type InstructionReversalInput = z.input<typeof InstructionReversalInput>;

/** Result of `instructionReversal`: `pairsUri` contains every faithful pair, and `published` names the checked dataset a trainer reads. */
export type InstructionReversalOutput = GradeReversalOutput & { prepareStats: PrepareReversalOutput['stats']; llmUsage: LlmUsage; published?: SyntheticPublication };

const retry = {
  initialInterval: '5 seconds',
  backoffCoefficient: 2,
  maximumInterval: '2 minutes',
  // A host that keeps failing is broken, not busy: stop after a few attempts.
  maximumAttempts: 5,
  nonRetryableErrorTypes: ['InvalidActivityInput', 'InputNotFound'],
};

// A shard of a few thousand programs at one or two sandboxed runs each; runs heartbeat as they end.
const sandbox = () => proxyActivities<ReversalSandboxActivities>({ taskQueue: queueFor('sandbox'), startToCloseTimeout: '4 hours', heartbeatTimeout: '5 minutes', retry });
// Rewriting one results file into requests takes seconds.
const cpu = () => proxyActivities<ReversalCpuActivities>({ taskQueue: queueFor('cpu'), startToCloseTimeout: '30 minutes', retry });

export async function instructionReversal(rawInput: InstructionReversalInput = {}): Promise<InstructionReversalOutput> {
  const input = parseWorkflowInput('instructionReversal', InstructionReversalInput, rawInput);
  const workflowId = workflowInfo().workflowId;
  const complete = (step: string, requestsUri: string) =>
    executeChild(llmRequests, {
      args: [{ config: input.llm, role: 'generator', requestsUri, outputUri: `${input.outputUri}/${step}.jsonl.gz`, mode: input.llmMode }],
      workflowId: `${workflowId}-${step}`,
    });

  const prepared = await sandbox().prepareReversal({ inputUri: input.inputUri, format: input.format, outputUri: input.outputUri, settings: input.settings });
  const instructions = await complete('instructions', prepared.requestsUri);
  const regeneration = await cpu().buildRegenerationRequests({ instructionsUri: instructions.outputUri, outputUri: input.outputUri });
  const regenerated = await complete('regenerated', regeneration.requestsUri);
  const graded = await sandbox().gradeReversal({
    programsUri: prepared.programsUri,
    instructionsUri: instructions.outputUri,
    regeneratedUri: regenerated.outputUri,
    outputUri: input.outputUri,
    settings: input.settings,
  });

  log.info('Instruction reversal graded', { kept: graded.stats.kept, total: graded.stats.total, outcomes: graded.outcomes, droppedByReason: graded.stats.droppedByReason });
  let published: SyntheticPublication | undefined;
  if (patched(PUBLISH_SYNTHETIC_PATCH)) {
    published = await publishSyntheticDataset({
      dataset: 'instruction-reversal',
      documentsUri: graded.pairsUri,
      outputUri: input.outputUri,
      settings: input.decontaminate,
      nearDedupSettings: input.nearDedup,
    });
  }
  return { ...graded, prepareStats: prepared.stats, llmUsage: addUsage({ ...instructions.usage }, regenerated.usage), published };
}
