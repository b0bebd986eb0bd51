// Replays the recorded histories of fimExercises and instructionReversal against the current
// workflow code, so a change that would break running workflows fails here. Re-record with
// CORPUSFLOW_RECORD_HISTORIES=1 npx vitest run test/workflows/code-stages.test.ts after a
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
  bundle = await bundleWorkflowCode({ workflowsPath: path.resolve(import.meta.dirname, 'code-stages-bundle.ts') });
}, 60_000);

// The plain fixtures predate the publishing step (near dedup, decontamination, dataset manifest),
// so they replay through its patch. The -published fixtures include the step.
describe('recorded code-stage histories', { timeout: 60_000 }, () => {
  it.each(['fim-exercises.json', 'fim-exercises-published.json', 'instruction-reversal.json', 'instruction-reversal-published.json'])('replays %s', async (fixture) => {
    await expect(replay(fixture)).resolves.toBeUndefined();
  });
});
