// fimExercises and instructionReversal on the real Temporal dev server, with the sandbox, llm and
// cpu activities on their own task queues and the stub model as generator.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFimActivities } from '../../activities/fim/activities';
import { registerFimResponseSchemas } from '../../activities/fim/prompt';
import type { CodeWithTests } from '../../activities/fim/schema';
import { createReversalSandboxActivities, reversalCpuActivities } from '../../activities/instruction-reversal/activities';
import { registerReversalResponseSchemas } from '../../activities/instruction-reversal/prompt';
import * as llmActivities from '../../activities/llm';
import * as decontaminateActivities from '../../activities/decontaminate';
import * as nearDedupActivities from '../../activities/near-dedup';
import { checkDatasetForTraining, writeDatasetManifest } from '../../activities/dataset';
import { SandboxConfig } from '../../activities/sandbox/config';
import { readJsonlRecords } from '../../activities/shards/jsonl-reader';
import type { DatasetManifest } from '../../schemas/dataset';
import type { Document } from '../../schemas/document';
import { LlmConfig } from '../../schemas/llm';
import { fimExercises } from '../../workflows/fim';
import { instructionReversal } from '../../workflows/instruction-reversal';
import { benchRoot } from '../activities/decontaminate/fixtures';
import { startOpenAIStub, type OpenAIStub, type StubModelRequest, type StubReply } from '../support/openai-stub';
import { startTemporalDevServer, uniqueTaskQueue } from '../support/temporal';

const runner = { config: SandboxConfig.parse({}), isolation: 'bubblewrap' as const };

const programs: CodeWithTests[] = [
  {
    id: 'clamp',
    language: 'python',
    code: 'def clamp(x, low, high):\n    if x < low:\n        return low\n    if x > high:\n        return high\n    return x\n',
    tests: 'from program import clamp\ndef test_low():\n    assert clamp(-5, 0, 10) == 0\ndef test_high():\n    assert clamp(50, 0, 10) == 10\ndef test_inside():\n    assert clamp(5, 0, 10) == 5\n',
    testStyle: 'functions',
    source: 'handwritten',
    benchmarkDerived: false,
  },
  {
    id: 'mean',
    language: 'python',
    code: 'def mean(values):\n    total = 0\n    for value in values:\n        total += value\n    return total / len(values)\n',
    tests: 'from program import mean\ndef test_mean():\n    assert mean([1, 2, 3]) == 2\ndef test_single():\n    assert mean([4]) == 4\n',
    testStyle: 'functions',
    source: 'handwritten',
    benchmarkDerived: false,
  },
];

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let stub: OpenAIStub;
let root: string;
let inputUri: string;

/** Returns the lines of `original` that the marker line of `excerpt` replaced. */
function deletedLines(original: string, excerpt: string): string {
  const before = excerpt.split('\n');
  const marker = before.findIndex((line) => line.trim() === '<MISSING CODE>');
  const lines = original.split('\n');
  return lines.slice(marker, lines.length - (before.length - marker - 1)).join('\n');
}

/** Replies for FIM with the right guess for clamp and a wrong one for mean; for reversal, faithful code for clamp only. */
function stubGenerator(request: StubModelRequest): StubReply {
  if (request.prompt.includes('<MISSING CODE>')) {
    const excerpt = /```python\n([\s\S]*)\n```/.exec(request.prompt)![1]!;
    const id = excerpt.includes('def clamp') ? 'clamp' : 'mean';
    const guess = id === 'clamp' ? deletedLines(programs[0]!.code, excerpt) : 'pass';
    return { content: JSON.stringify({ background: 'b', reasoning: 'r', guess }) };
  }
  const source = /```python\n([\s\S]*)\n```/.exec(request.prompt)?.[1];
  if (source !== undefined) return { content: JSON.stringify({ instruction: `Rewrite program <${source.includes('def clamp') ? 'clamp' : 'mean'}>.` }) };
  const id = /program <(\w+)>/.exec(request.prompt)![1]!;
  const code = id === 'clamp' ? programs[0]!.code : 'def mean(values):\n    return 0\n';
  return { content: JSON.stringify({ code }) };
}

async function readAll<T>(uri: string): Promise<T[]> {
  const records: T[] = [];
  for await (const record of readJsonlRecords<T>(uri)) records.push(record);
  return records;
}

/** Reads the manifest of a published synthetic dataset. */
async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await fs.readFile(file.startsWith('file:') ? new URL(file) : file, 'utf8')) as T;
}

/** Runs the workflow worker on `<prefix>-cpu` and activity workers on `-llm` and `-sandbox` until `until` settles. */
async function runWorkers<T>(prefix: string, until: Promise<T>): Promise<T> {
  const connection = env.nativeConnection;
  const cpu = await Worker.create({
    connection,
    taskQueue: `${prefix}-cpu`,
    workflowBundle: bundle,
    activities: { ...reversalCpuActivities, ...nearDedupActivities, ...decontaminateActivities, writeDatasetManifest },
  });
  const llm = await Worker.create({ connection, taskQueue: `${prefix}-llm`, activities: llmActivities });
  const sandbox = await Worker.create({ connection, taskQueue: `${prefix}-sandbox`, activities: { ...createFimActivities(runner), ...createReversalSandboxActivities(runner) } });
  return sandbox.runUntil(llm.runUntil(cpu.runUntil(until)));
}

/**
 * Replays the finished workflow's history against the current bundle, which fails on
 * nondeterminism. With CORPUSFLOW_RECORD_HISTORIES=1 it also stores the history as the fixture
 * that code-stages-replay.test.ts replays against later versions.
 */
async function replayAndRecord(handle: WorkflowHandle, fixture: string): Promise<void> {
  const history = await handle.fetchHistory();
  await Worker.runReplayHistory({ workflowBundle: bundle }, history, handle.workflowId);
  if (process.env.CORPUSFLOW_RECORD_HISTORIES === '1') {
    // NOTE: stored as protobufjs objects, not Temporal's JSON history form: historyFromJSON fails in
    // this install ("type must be a Type") because @temporalio/common nests protobufjs 8 while
    // @temporalio/proto uses protobufjs 7.
    const plain = proto.temporal.api.history.v1.History.toObject(history as proto.temporal.api.history.v1.History, { longs: String, enums: String, bytes: String });
    const recorded = { workflowId: handle.workflowId, history: plain };
    await fs.writeFile(path.join(import.meta.dirname, 'histories', fixture), JSON.stringify(recorded) + '\n');
  }
}

function llmConfig(): LlmConfig {
  return LlmConfig.parse({ roles: { generator: { baseURL: stub.baseURL, model: 'stub-model', structuredOutput: 'json_object' } }, cacheUri: path.join(root, 'llm-cache') });
}

beforeAll(async () => {
  registerFimResponseSchemas();
  registerReversalResponseSchemas();
  env = await startTemporalDevServer();
  bundle = await bundleWorkflowCode({ workflowsPath: path.resolve(import.meta.dirname, 'code-stages-bundle.ts') });
  stub = await startOpenAIStub({ respond: stubGenerator });
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'code-stages-'));
  inputUri = path.join(root, 'programs.jsonl');
  await fs.writeFile(inputUri, programs.map((record) => JSON.stringify(record)).join('\n') + '\n');
}, 120_000);

afterAll(async () => {
  await stub?.close();
  await env?.teardown();
  await fs.rm(root, { recursive: true, force: true });
});

describe('fimExercises workflow', { timeout: 120_000 }, () => {
  it('keeps the exercise the stub solves', async () => {
    const prefix = uniqueTaskQueue('fim');
    const handle = await env.client.workflow.start(fimExercises, {
      args: [{ inputUri, outputUri: path.join(root, 'fim'), llm: llmConfig(), decontaminate: { options: { benchmarkRoot: benchRoot } } }],
      taskQueue: `${prefix}-cpu`,
      workflowId: `${prefix}-workflow`,
    });
    const result = await runWorkers(prefix, handle.result());

    const kept = await readAll<Document>(result.exercisesUri);
    expect(kept.map((document) => document.metadata.sourceId)).toEqual(['clamp']);
    expect(result.stats.total).toBe(2);
    expect(result.prepareStats.kept).toBe(2);
    expect(result.llmUsage.calls).toBe(2);
    await expect(fs.stat(result.manifestUri)).resolves.toBeDefined();

    // The exercise shares nothing with a benchmark, so it is published, with the record a launch checks.
    expect(result.published?.decontamination).toMatchObject({ benchmarks: ['gsm8k', 'humaneval', 'mbpp', 'mmlu'], checked: 1, removed: 0 });
    expect((await readAll<Document>(result.published!.datasetUri)).map((document) => document.metadata.sourceId)).toEqual(['clamp']);
    const manifest = await readJson<DatasetManifest>(result.published!.datasetManifestUri);
    expect(manifest).toMatchObject({ kind: 'dataset', dataset: 'fim', records: 1 });
    expect(manifest.decontamination?.benchmarks.map((set) => set.name)).toEqual(['gsm8k', 'humaneval', 'mbpp', 'mmlu']);
    await expect(checkDatasetForTraining({ manifestUri: result.published!.datasetManifestUri })).resolves.toMatchObject({ benchmarks: ['gsm8k', 'humaneval', 'mbpp', 'mmlu'] });
    // fim-exercises.json, recorded before publishing existed, keeps replaying the unpatched path.
    await replayAndRecord(handle, 'fim-exercises-published.json');
  });

  it('fails at once on invalid settings', async () => {
    const prefix = uniqueTaskQueue('fim-invalid');
    const handle = await env.client.workflow.start(fimExercises, {
      args: [{ inputUri, outputUri: path.join(root, 'fim-invalid'), settings: { spansPerProgram: 0 }, llm: llmConfig() }],
      taskQueue: `${prefix}-cpu`,
      workflowId: `${prefix}-workflow`,
    });
    const failure = await runWorkers(prefix, handle.result().catch((error: unknown) => error));

    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(((failure as WorkflowFailedError).cause?.cause as Error | undefined)?.message).toBe(
      'Invalid prepareFimExercises input: settings.spansPerProgram: Too small: expected number to be >0',
    );
  });
});

describe('instructionReversal workflow', { timeout: 120_000 }, () => {
  it('keeps the faithful stub pair only', async () => {
    const prefix = uniqueTaskQueue('reversal');
    const handle = await env.client.workflow.start(instructionReversal, {
      args: [{ inputUri, outputUri: path.join(root, 'reversal'), llm: llmConfig(), decontaminate: { enabled: false } }],
      taskQueue: `${prefix}-cpu`,
      workflowId: `${prefix}-workflow`,
    });
    const result = await runWorkers(prefix, handle.result());

    const pairs = await readAll<Document>(result.pairsUri);
    expect(pairs.map((pair) => pair.metadata.sourceId)).toEqual(['clamp']);
    expect(result.stats.droppedByReason).toEqual({ low_fidelity: 1 });
    expect(result.llmUsage.calls).toBe(4);

    // Decontamination was turned off: the dataset is written without a record, and a launch rejects it.
    expect((await readAll<Document>(result.published!.datasetUri)).map((pair) => pair.metadata.sourceId)).toEqual(['clamp']);
    const manifest = await readJson<DatasetManifest>(result.published!.datasetManifestUri);
    expect(manifest.decontamination).toBeUndefined();
    await expect(checkDatasetForTraining({ manifestUri: result.published!.datasetManifestUri })).rejects.toThrow(
      `Refusing to train on ${result.published!.datasetManifestUri}: it has no decontamination record`,
    );
    await replayAndRecord(handle, 'instruction-reversal-published.json');
  });

  it('publishes one of two near-duplicate pairs', async () => {
    // clamp twice with a long docstring that differs in one word: the second pair is a near duplicate.
    const documented = (word: string) =>
      programs[0]!.code.replace(
        '):\n',
        `):\n    """Limit a sensor reading x to the closed range from low to high. Readings below the range become low, readings above it ` +
          `become high, and readings inside it pass through unchanged. The ${word} station firmware calls this on every sample before ` +
          'averaging, so it must stay cheap and must never raise on ordinary numbers."""\n',
      );
    const twins = [
      { ...programs[0]!, id: 'clamp-north', code: documented('northern') },
      { ...programs[0]!, id: 'clamp-south', code: documented('southern') },
    ];
    const twinsUri = path.join(root, 'twins.jsonl');
    await fs.writeFile(twinsUri, twins.map((record) => JSON.stringify(record)).join('\n') + '\n');

    const prefix = uniqueTaskQueue('reversal-twins');
    const handle = await env.client.workflow.start(instructionReversal, {
      args: [{ inputUri: twinsUri, outputUri: path.join(root, 'reversal-twins'), llm: llmConfig(), decontaminate: { options: { benchmarkRoot: benchRoot } } }],
      taskQueue: `${prefix}-cpu`,
      workflowId: `${prefix}-workflow`,
    });
    const result = await runWorkers(prefix, handle.result());

    expect((await readAll<Document>(result.pairsUri)).map((pair) => pair.metadata.sourceId)).toEqual(['clamp-north', 'clamp-south']);
    expect(result.published?.nearDuplicates).toMatchObject({ clusters: 1, removed: 1 });
    expect(await readAll<Document>(result.published!.datasetUri)).toHaveLength(1);
    expect((await readJson<DatasetManifest>(result.published!.datasetManifestUri)).records).toBe(1);
  });

  it('removes a benchmark pair before publishing', async () => {
    // A benchmark set whose one item is the clamp program, as if it were a test problem.
    const benchmarkRoot = path.join(root, 'planted-bench');
    await fs.mkdir(benchmarkRoot, { recursive: true });
    await fs.writeFile(path.join(benchmarkRoot, 'clamp.jsonl'), JSON.stringify({ id: 'planted/0', question: programs[0]!.code }) + '\n');
    const benchmarks = [{ name: 'planted', uri: 'clamp.jsonl', fields: { id: 'id', question: ['question'] } }];

    const prefix = uniqueTaskQueue('reversal-planted');
    const handle = await env.client.workflow.start(instructionReversal, {
      args: [{ inputUri, outputUri: path.join(root, 'reversal-planted'), llm: llmConfig(), decontaminate: { options: { benchmarkRoot, benchmarks } } }],
      taskQueue: `${prefix}-cpu`,
      workflowId: `${prefix}-workflow`,
    });
    const result = await runWorkers(prefix, handle.result());

    expect((await readAll<Document>(result.pairsUri)).map((pair) => pair.metadata.sourceId)).toEqual(['clamp']);
    expect(result.published?.nearDuplicates).toMatchObject({ clusters: 0, removed: 0 });
    expect(result.published?.decontamination).toMatchObject({ benchmarks: ['planted'], checked: 1, removed: 1, hits: { planted: { 'synthetic-instruction-reversal': 1 } } });
    expect(await readAll<Document>(result.published!.datasetUri)).toEqual([]);
    const manifest = await readJson<DatasetManifest>(result.published!.datasetManifestUri);
    expect(manifest).toMatchObject({ dataset: 'instruction-reversal', records: 0, decontamination: { documentsRemoved: 1 } });
  });
});
