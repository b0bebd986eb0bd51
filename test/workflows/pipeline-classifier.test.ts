// The pipeline with the learned quality classifier turned on, trained from reference files
// (no model endpoint), and with it turned off.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineSummary } from '../../schemas/pipeline';
import { startTemporalDevServer, uniqueTaskQueue } from '../support/temporal';
import { createTestWorkers, withWorkers } from '../support/workers';
import { sharedData, tempDir } from '../support/fixtures';

let testEnv: TestWorkflowEnvironment;

beforeAll(async () => {
  testEnv = await startTemporalDevServer();
});

afterAll(async () => {
  await testEnv?.teardown();
});

const scienceWords = ['derivative', 'function', 'theorem', 'proof', 'matrix', 'vector', 'energy', 'molecule', 'algorithm', 'integral', 'probability', 'equation'];
const spamWords = ['click', 'cheap', 'deal', 'subscribe', 'winner', 'free', 'offer', 'casino', 'discount', 'sale', 'limited', 'bonus'];

/** Reference documents made from a small vocabulary, so the classifier has a clear signal to learn. */
function referenceFile(folder: string, name: string, words: string[], count: number): string {
  let seed = name.length * 7919;
  const next = () => (seed = (seed * 48271) % 2147483647);
  const lines: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const text = Array.from({ length: 60 }, () => words[next() % words.length]).join(' ');
    lines.push(JSON.stringify({ id: `${name}-${index}`, text, source: 'reference', metadata: {} }));
  }
  const file = path.join(folder, `${name}.jsonl.gz`);
  writeFileSync(file, gzipSync(lines.join('\n') + '\n'));
  return file;
}

async function runPipeline(input: Record<string, unknown>): Promise<PipelineSummary> {
  const workers = await createTestWorkers(testEnv, uniqueTaskQueue('classifier'));
  return (await withWorkers(workers, () =>
    testEnv.client.workflow.execute('pipeline', { taskQueue: workers.workflowQueue, workflowId: uniqueTaskQueue('classifier-run'), args: [input] }),
  )) as PipelineSummary;
}

const baseInput = (output: string) => ({
  input: path.join(sharedData, 'web/readability'),
  exclude: ['*.gold.html'],
  output,
  filter: { enabled: false },
  nearDedup: { enabled: false },
  decontaminate: { enabled: false },
});

describe('pipeline with the quality classifier', () => {
  it('trains from reference files and passes its output on', async () => {
    const references = tempDir('references');
    const output = tempDir('out');
    const summary = await runPipeline({
      ...baseInput(output),
      classifier: {
        enabled: true,
        options: {
          positiveUris: [referenceFile(references, 'positive', scienceWords, 60)],
          negativeUris: [referenceFile(references, 'negative', spamWords, 60)],
        },
      },
    });

    const classifier = summary.stages.find((stage) => stage.stage === 'quality-classifier');
    const tokenize = summary.stages.find((stage) => stage.stage === 'tokenize');
    expect(classifier).toBeDefined();
    expect(classifier!.stats.total).toBe(18);
    expect(classifier!.stats.kept + classifier!.stats.dropped).toBe(18);
    expect(String(classifier!.details?.modelsManifestUri)).toContain(path.join(output, 'quality-classifier'));
    expect(tokenize!.stats.total).toBe(classifier!.stats.kept);
    expect(summary.documents).toBe(classifier!.stats.kept);
    expect(summary.skippedStages).not.toContain('quality-classifier');
  });

  it('skips the classifier stage when it is not configured', async () => {
    const summary = await runPipeline(baseInput(tempDir('out')));
    expect(summary.stages.map((stage) => stage.stage)).not.toContain('quality-classifier');
    expect(summary.skippedStages).toContain('quality-classifier');
  });
});
