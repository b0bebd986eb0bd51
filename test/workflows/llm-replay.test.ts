// Replays recorded histories of llmRequests (online and batch) and qualityClassifier (trained
// and skipped) against the current workflow code, so a change that would break running
// workflows fails here. Re-record with CORPUSFLOW_RECORD_HISTORIES=1 npx vitest run
// test/workflows/llm-batch.test.ts test/workflows/llm-quality-classifier.test.ts after a
// deliberate, versioned workflow change.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import proto from '@temporalio/proto';
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';

let llmBundle: WorkflowBundleWithSourceMap;
let qualityBundle: WorkflowBundleWithSourceMap;

async function replay(bundle: WorkflowBundleWithSourceMap, fixture: string): Promise<void> {
  const recorded = JSON.parse(await readFile(path.join(import.meta.dirname, 'histories', fixture), 'utf8')) as { workflowId: string; history: unknown };
  const history = proto.temporal.api.history.v1.History.fromObject(recorded.history as Record<string, unknown>);
  await Worker.runReplayHistory({ workflowBundle: bundle }, history, recorded.workflowId);
}

beforeAll(async () => {
  llmBundle = await bundleWorkflowCode({ workflowsPath: path.resolve(import.meta.dirname, '../../workflows/llm-batch.ts') });
  qualityBundle = await bundleWorkflowCode({ workflowsPath: path.resolve(import.meta.dirname, '../../workflows/quality-classifier.ts') });
}, 120_000);

describe('recorded LLM workflow histories', { timeout: 60_000 }, () => {
  it('replays online llmRequests', async () => {
    await expect(replay(llmBundle, 'llm-requests-online.json')).resolves.toBeUndefined();
  });

  it('replays batch llmRequests', async () => {
    await expect(replay(llmBundle, 'llm-requests-batch.json')).resolves.toBeUndefined();
  });

  it('replays a trained qualityClassifier', async () => {
    await expect(replay(qualityBundle, 'quality-classifier.json')).resolves.toBeUndefined();
  });

  it('replays a skipped qualityClassifier', async () => {
    await expect(replay(qualityBundle, 'quality-classifier-skipped.json')).resolves.toBeUndefined();
  });
});
