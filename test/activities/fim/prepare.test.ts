// Rejection paths of the FIM prepare phase, on a small input of handwritten programs.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareFimExercises } from '../../../activities/fim/prepare';
import type { CodeWithTests } from '../../../activities/fim/schema';
import { SandboxConfig } from '../../../activities/sandbox/config';
import { readJsonlRecords } from '../../../activities/shards/jsonl-reader';
import type { RejectedRecord } from '../../../schemas/document';

const runner = { config: SandboxConfig.parse({}), isolation: 'bubblewrap' as const };

function program(id: string, code: string, tests: string): CodeWithTests {
  return { id, language: 'python', code, tests, testStyle: 'functions', source: 'handwritten', benchmarkDerived: false };
}

const lines = [
  JSON.stringify(program('good', 'def twice(x):\n    y = x * 2\n    return y\n', 'from program import twice\ndef test_twice():\n    assert twice(2) == 4\n')),
  JSON.stringify(program('broken', 'def twice(x):\n    return x * 3\n', 'from program import twice\ndef test_twice():\n    assert twice(2) == 4\n')),
  JSON.stringify(program('untested', 'def unused(x):\n    y = x * 2\n    return y\n', 'def test_nothing():\n    assert True\n')),
  '{"id": "cut off',
];

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'fim-prepare-'));
  await writeFile(path.join(folder, 'input.jsonl'), lines.join('\n') + '\n');
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('prepareFimExercises', { timeout: 60_000 }, () => {
  it('rejects broken, untested and invalid records', async () => {
    const output = await prepareFimExercises(runner, { inputUri: path.join(folder, 'input.jsonl'), outputUri: path.join(folder, 'out') });

    expect(output.candidates).toBe(1);
    expect(output.stats.total).toBe(4);
    expect(output.stats.kept).toBe(1);
    expect(output.stats.droppedByReason).toEqual({ invalid_json: 1, original_failed_tests: 1, span_not_tested: 1 });
    expect(output.originalOutcomes).toMatchObject({ passed: 2, failed: 1, error: 0 });

    const rejected: RejectedRecord[] = [];
    for await (const record of readJsonlRecords<RejectedRecord>(path.join(folder, 'out', 'rejected', 'prepare.jsonl.gz'))) rejected.push(record);
    const broken = rejected.find((record) => record.reason === 'original_failed_tests')!;
    expect(broken.detail).toContain('record broken: the original code ended with failed (test_twice)');
  });

  it('picks several spans that do not overlap', async () => {
    const output = await prepareFimExercises(runner, { inputUri: path.join(folder, 'input.jsonl'), outputUri: path.join(folder, 'out-two'), settings: { spansPerProgram: 2 } });

    const candidates: Array<{ id: string }> = [];
    for await (const candidate of readJsonlRecords<{ id: string }>(output.candidatesUri)) candidates.push(candidate);
    expect(candidates.map((candidate) => candidate.id).sort()).toEqual(['good#L2-2', 'good#L3-3']);
  });

  it('reuses the stored summary on a retry', async () => {
    // With its input gone, only the stored summary can serve the second call.
    await rm(path.join(folder, 'input.jsonl'));
    const again = await prepareFimExercises(runner, { inputUri: path.join(folder, 'input.jsonl'), outputUri: path.join(folder, 'out') });

    expect(again.candidates).toBe(1);
  });

  it('fails without retry on a missing input file', async () => {
    await expect(prepareFimExercises(runner, { inputUri: path.join(folder, 'missing.jsonl'), outputUri: path.join(folder, 'out-missing') })).rejects.toThrow(
      `Input file not found: ${path.join(folder, 'missing.jsonl')}. Check the stage's inputUri.`,
    );
  });
});
