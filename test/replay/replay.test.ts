// Replays the recorded histories in test/replay/histories against the current workflow code,
// so a change that would break runs already in flight fails here. Re-record them with
// `npx tsx test/replay/record.ts` only when no run of the old code is still open.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readHistoryFile, replayHistories } from '../../cli/commands/replay';
import * as registered from '../workflows/operations-bundle';
import { operationsWorkflowsPath } from '../workflows/operations-workers';

// record.ts writes test/replay/histories; the workflow tests of the model and code stages record
// theirs (llmRequests, qualityClassifier, fimExercises, instructionReversal) in
// test/workflows/histories. Both are replayed here against the bundle the workers run.
const historyFolders = [path.resolve(import.meta.dirname, 'histories'), path.resolve(import.meta.dirname, '../workflows/histories')];
const historyFiles = historyFolders.flatMap((folder) =>
  readdirSync(folder)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => path.join(folder, file)),
);
const nondeterministicNightly = fileURLToPath(new URL('./nondeterministic/nightly-refresh-with-timer.ts', import.meta.url));

function workflowTypeOf(file: string): string | undefined {
  const { history } = readHistoryFile(file);
  return history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? undefined;
}

describe('recorded histories', () => {
  it('cover every registered workflow', () => {
    const recorded = new Set(historyFiles.map(workflowTypeOf));
    const workflows = Object.entries(registered).filter(([, value]) => typeof value === 'function').map(([name]) => name);
    expect(workflows.length).toBeGreaterThan(2);
    const missing = workflows.filter((workflow) => !recorded.has(workflow));
    expect(missing, 'workflows without a recorded history: record them in test/replay/record.ts').toEqual([]);
  });

  it('replay against the current workflow code', async () => {
    const histories = historyFiles.map(readHistoryFile);
    const outcomes = await replayHistories(histories, { workflowsPath: operationsWorkflowsPath });
    expect(outcomes).toHaveLength(historyFiles.length);
    for (const outcome of outcomes) expect(outcome.explanation).toBeUndefined();
  });

  it('fail against a workflow with an added timer', async () => {
    const history = readHistoryFile(path.join(historyFolders[0]!, 'nightlyRefresh.json'));
    const [outcome] = await replayHistories([history], { workflowsPath: nondeterministicNightly });
    expect(outcome?.ok).toBe(false);
    expect(outcome?.explanation).toContain('the current workflow code is not deterministic with this history');
    expect(outcome?.explanation).toContain('patched(');
  });
});
