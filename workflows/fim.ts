// The `fimExercises` workflow: fill-in-the-middle exercises validated by running code. Three
// steps: prepare candidates in the sandbox (verify originals, pick spans the tests execute), ask
// the generator for each deleted span (the llmRequests child workflow, online or Batch API),
// then grade every guess by running the tests with it filled in.
import { executeChild, log, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { z } from 'zod';
import type { FimActivities } from '../activities/fim/activities';
import type { GradeFimOutput, PrepareFimOutput } from '../activities/fim/schema';
import { LlmConfig, type LlmUsage } from '../schemas/llm';
import { llmRequests } from './llm-batch';
import { PUBLISH_SYNTHETIC_PATCH, publishSyntheticDataset, type SyntheticPublication } from './publish-synthetic';
import { SyntheticDecontamination, syntheticNearDedup } from '../schemas/dataset';
import { queueFor } from './queues';
import { parseWorkflowInput } from './validate';

// NOTE: settings are validated by the activities (FimSettings in activities/fim/schema.ts), because
// workflow code may not import runtime values from activities/; a bad value fails the first step.
export const FimWorkflowInput = z.object({
  inputUri: z.string().default('.corpusflow/input/code-with-tests.jsonl').describe('JSON Lines of programs with tests'),
  format: z.enum(['humaneval', 'code_with_tests']).default('code_with_tests'),
  outputUri: z.string().default('.corpusflow/fim').describe('Folder for this stage'),
  settings: z.record(z.string(), z.unknown()).default({}).describe('FimSettings: spansPerProgram, maxSpanLines, seed, limits'),
  llm: LlmConfig.default(LlmConfig.parse({})),
  llmMode: z.enum(['online', 'batch']).default('online'),
  nearDedup: syntheticNearDedup(false).prefault({}).describe('Near-duplicate removal of the output before it is published'),
  decontaminate: SyntheticDecontamination.prefault({}).describe('Benchmark decontamination of the output before it is published'),
});
export type FimWorkflowInput = z.input<typeof FimWorkflowInput>;

/** Result of `fimExercises`: `exercisesUri` contains every graded exercise, and `published` names the checked dataset a trainer reads. */
export type FimWorkflowOutput = GradeFimOutput & { prepareStats: PrepareFimOutput['stats']; llmUsage: LlmUsage; published?: SyntheticPublication };

function sandboxActivities() {
  return proxyActivities<FimActivities>({
    taskQueue: queueFor('sandbox'),
    // A shard of a few thousand programs at a few sandboxed runs each; runs heartbeat as they end.
    startToCloseTimeout: '4 hours',
    // The longest silent step is one span-finder batch, bounded by its 60-second wall clock.
    heartbeatTimeout: '5 minutes',
    retry: {
      initialInterval: '5 seconds',
      backoffCoefficient: 2,
      maximumInterval: '2 minutes',
      // A sandbox host that keeps failing is broken, not busy: stop after a few attempts.
      maximumAttempts: 5,
      nonRetryableErrorTypes: ['InvalidActivityInput', 'InputNotFound'],
    },
  });
}

export async function fimExercises(rawInput: FimWorkflowInput = {}): Promise<FimWorkflowOutput> {
  const input = parseWorkflowInput('fimExercises', FimWorkflowInput, rawInput);
  const sandbox = sandboxActivities();

  const prepared = await sandbox.prepareFimExercises({ inputUri: input.inputUri, format: input.format, outputUri: input.outputUri, settings: input.settings });
  const guesses = await executeChild(llmRequests, {
    args: [{ config: input.llm, role: 'generator', requestsUri: prepared.requestsUri, outputUri: `${input.outputUri}/guesses.jsonl.gz`, mode: input.llmMode }],
    workflowId: `${workflowInfo().workflowId}-guesses`,
  });
  const graded = await sandbox.gradeFimExercises({ candidatesUri: prepared.candidatesUri, resultsUri: guesses.outputUri, outputUri: input.outputUri, settings: input.settings });

  log.info('FIM exercises graded', { kept: graded.stats.kept, total: graded.stats.total, grades: graded.grades, outcomes: graded.outcomes, droppedByReason: graded.stats.droppedByReason });
  let published: SyntheticPublication | undefined;
  if (patched(PUBLISH_SYNTHETIC_PATCH)) {
    published = await publishSyntheticDataset({
      dataset: 'fim',
      documentsUri: graded.exercisesUri,
      outputUri: input.outputUri,
      settings: input.decontaminate,
      nearDedupSettings: input.nearDedup,
    });
  }
  return { ...graded, prepareStats: prepared.stats, llmUsage: guesses.usage, published };
}
