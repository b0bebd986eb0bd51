// Replays recorded histories of decontaminate and one decontaminateBatch child against the current
// workflow code, so a change that would break running workflows fails here. Re-record with
// CORPUSFLOW_RECORD_HISTORIES=1 npx vitest run test/workflows/decontaminate.test.ts after a
// deliberate, versioned workflow change.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import proto from '@temporalio/proto';
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';

let bundle: WorkflowBundleWithSourceMap;

async function replay(fixture: string): Promise<void> {
  const recorded = JSON.parse(await readFile(path.join(import.meta.dirname, 'histories', fixture), 'utf8')) as { workflowId: string; history: unknown };
  const history = proto.temporal.api.history.v1.History.fromObject(recorded.history as Record<string, unknown>);
  await Worker.runReplayHistory({ workflowBundle: bundle }, history, recorded.workflowId);
}

beforeAll(async () => {
  bundle = await bundleWorkflowCode({ workflowsPath: path.resolve(import.meta.dirname, '../../workflows/decontaminate.ts') });
}, 60_000);

describe('recorded decontaminate histories', { timeout: 60_000 }, () => {
  it('replays decontaminate', async () => {
    await expect(replay('decontaminate.json')).resolves.toBeUndefined();
  });

  it('replays decontaminateBatch', async () => {
    await expect(replay('decontaminate-batch.json')).resolves.toBeUndefined();
  });
});
