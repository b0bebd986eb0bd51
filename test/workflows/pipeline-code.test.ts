// The pipeline on code documents: JSON Lines of programs go through exact and near-duplicate
// removal and decontamination like web pages, and a HumanEval solution among them is removed.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineSummary } from '../../schemas/pipeline';
import { sharedData, tempDir } from '../support/fixtures';
import { startTemporalDevServer, uniqueTaskQueue } from '../support/temporal';
import { createTestWorkers, withWorkers } from '../support/workers';

let testEnv: TestWorkflowEnvironment;

beforeAll(async () => {
  testEnv = await startTemporalDevServer();
});

afterAll(async () => {
  await testEnv?.teardown();
});

function humanEvalTask(taskId: string): { prompt: string; canonical_solution: string } {
  const lines = gunzipSync(readFileSync(path.join(sharedData, 'bench/humaneval/HumanEval.jsonl.gz'))).toString('utf8').split('\n');
  return JSON.parse(lines.find((line) => line.includes(`"${taskId}"`))!) as { prompt: string; canonical_solution: string };
}

/** Returns a small program unlike any benchmark item; `variant` changes its names and constants. */
function program(variant: number): string {
  return [
    `def moving_average_${variant}(readings, window=${variant + 3}):`,
    `    """Smooth sensor readings from station ${variant} with a trailing window."""`,
    '    smoothed = []',
    '    for end in range(len(readings)):',
    '        start = max(0, end - window + 1)',
    '        chunk = readings[start:end + 1]',
    '        smoothed.append(sum(chunk) / len(chunk))',
    '    return smoothed',
  ].join('\n');
}

const CONFIG_PARSER = [
  'def parse_config(lines):',
  '    """Read key = value lines, skipping comments and blank lines."""',
  '    settings = {}',
  '    for raw in lines:',
  "        line = raw.split('#', 1)[0].strip()",
  '        if not line:',
  '            continue',
  "        key, _, value = line.partition('=')",
  '        settings[key.strip()] = value.strip()',
  '    return settings',
].join('\n');

describe('pipeline on code documents', () => {
  it('removes duplicates and a HumanEval copy', { timeout: 180_000 }, async () => {
    const input = tempDir('code-input');
    mkdirSync(input, { recursive: true });
    const task = humanEvalTask('HumanEval/12');
    // The solution as someone pasted it into a repository: tabs for indentation, Windows line ends.
    const pasted = (task.prompt + task.canonical_solution).replace(/ {4}/g, '\t').replace(/\n/g, '\r\n');
    const records = [
      { id: 'repo-a/smooth.py', text: program(1) },
      { id: 'repo-b/smooth.py', text: program(1) },
      { id: 'repo-c/longest.py', text: pasted },
      // A fork that renamed the function and changed a constant: a near duplicate.
      { id: 'repo-d/smooth.py', text: program(2) },
      { id: 'repo-e/config.py', text: CONFIG_PARSER },
    ];
    writeFileSync(path.join(input, 'programs.jsonl'), records.map((record) => JSON.stringify(record)).join('\n') + '\n');

    const output = tempDir('code-out');
    const workers = await createTestWorkers(testEnv, uniqueTaskQueue('code'));
    const summary = (await withWorkers(workers, () =>
      testEnv.client.workflow.execute('pipeline', {
        taskQueue: workers.workflowQueue,
        workflowId: uniqueTaskQueue('code-run'),
        args: [{ input, output, extract: { source: 'code' }, filter: { enabled: false }, tokenize: { enabled: false } }],
      }),
    )) as PipelineSummary;

    const stage = (name: string) => summary.stages.find((item) => item.stage === name)!;
    expect(stage('exact-dedup').stats.droppedByReason).toEqual({ exact_duplicate: 1 });
    expect(stage('near-dedup').stats.droppedByReason).toEqual({ near_duplicate: 1 });
    expect(stage('decontaminate').stats.droppedByReason).toEqual({ benchmark_ngram_match: 1 });
    expect(stage('decontaminate').details?.hits).toEqual({ humaneval: { code: 1 } });
    expect(summary.documents).toBe(2);
    // The audit report leads back to the id the record had in the input file.
    const report = gunzipSync(readFileSync(path.join(output, 'decontaminate/report/shard-00000.jsonl.gz'))).toString('utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(report).toHaveLength(1);
    expect(report[0]).toMatchObject({ sourceId: 'repo-c/longest.py', source: 'code' });
    expect(report[0].sourceUri).toMatch(/programs\.jsonl$/);
  });
});
