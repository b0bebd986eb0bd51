// The whole FIM stage on all 164 HumanEval problems with the stub model as generator. The stub
// replies to even-numbered problems with the deleted code, to odd ones with a wrong guess, and to
// one with invalid JSON.
// HumanEval is a benchmark: it serves here only as a source of programs with tests.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeRequests } from '../../../activities/llm/complete-requests';
import { gradeFimExercises } from '../../../activities/fim/grade';
import { prepareFimExercises } from '../../../activities/fim/prepare';
import { registerFimResponseSchemas } from '../../../activities/fim/prompt';
import { FimCandidate } from '../../../activities/fim/schema';
import { SandboxConfig } from '../../../activities/sandbox/config';
import { readJsonlRecords } from '../../../activities/shards/jsonl-reader';
import type { Document } from '../../../schemas/document';
import { LlmConfig } from '../../../schemas/llm';
import { startOpenAIStub, type OpenAIStub, type StubModelRequest, type StubReply } from '../../support/openai-stub';

const humanEvalUri = path.resolve(import.meta.dirname, '../../../../shared/data/bench/humaneval/HumanEval.jsonl.gz');
const runner = { config: SandboxConfig.parse({}), isolation: 'bubblewrap' as const };
const unparsableProblem = 'HumanEval/4';

async function readAll<T>(uri: string): Promise<T[]> {
  const records: T[] = [];
  for await (const record of readJsonlRecords<T>(uri)) records.push(record);
  return records;
}

function problemNumber(id: string): number {
  return Number(/HumanEval\/(\d+)/.exec(id)![1]);
}

/** Finds the candidate from the excerpt quoted in the prompt and answers by its problem number. */
function stubGenerator(candidates: FimCandidate[]) {
  const byExcerpt = new Map(candidates.map((candidate) => [candidate.excerpt, candidate]));
  return (request: StubModelRequest): StubReply => {
    const excerpt = /```python\n([\s\S]*)\n```/.exec(request.prompt)?.[1];
    const candidate = excerpt === undefined ? undefined : byExcerpt.get(excerpt);
    if (!candidate || candidate.record.id === unparsableProblem) return { content: 'not json' };
    const correct = problemNumber(candidate.record.id) % 2 === 0;
    const guess = correct ? candidate.removed : 'raise ValueError("wrong guess")';
    return { content: JSON.stringify({ background: 'A HumanEval function.', reasoning: 'From the docstring.', guess }) };
  };
}

describe('FIM stage on HumanEval', { timeout: 600_000 }, () => {
  let stub: OpenAIStub;
  let outputUri: string;

  beforeAll(async () => {
    registerFimResponseSchemas();
    outputUri = await mkdtemp(path.join(os.tmpdir(), 'fim-humaneval-'));
  });

  afterAll(async () => {
    await stub?.close();
    await rm(outputUri, { recursive: true, force: true });
  });

  it('keeps exactly the correct stub guesses', async () => {
    const prepared = await prepareFimExercises(runner, { inputUri: humanEvalUri, format: 'humaneval', outputUri });

    expect(prepared.stats.total).toBe(164);
    expect(prepared.stats.droppedByReason).toEqual({});
    expect(prepared.candidates).toBe(164);
    expect(prepared.originalOutcomes.passed).toBe(164);

    const candidates = (await readAll<unknown>(prepared.candidatesUri)).map((line) => FimCandidate.parse(line));
    stub = await startOpenAIStub({ respond: stubGenerator(candidates) });
    const llm = LlmConfig.parse({ roles: { generator: { baseURL: stub.baseURL, model: 'stub-model', structuredOutput: 'json_object' } }, cacheUri: path.join(outputUri, 'llm-cache') });
    const guesses = await completeRequests({ config: llm, role: 'generator', requestsUri: prepared.requestsUri, outputUri: path.join(outputUri, 'guesses.jsonl.gz') });
    const graded = await gradeFimExercises(runner, { candidatesUri: prepared.candidatesUri, resultsUri: guesses.outputUri, outputUri });

    const kept = await readAll<Document>(graded.exercisesUri);
    const expected = candidates.map((candidate) => candidate.record.id).filter((id) => problemNumber(id) % 2 === 0 && id !== unparsableProblem);
    expect(kept.map((document) => document.metadata.sourceId).sort()).toEqual(expected.sort());
    expect(kept.every((document) => document.metadata.benchmarkDerived === true)).toBe(true);
    expect(kept.every((document) => document.metadata.grade === 'pass' && document.metadata.similarity === 1)).toBe(true);
    expect(graded.stats.kept).toBe(81);
    expect(graded.stats.droppedByReason).toEqual({ fim_guess_fail: 82, llm_parse_failed: 1 });
    expect(graded.outcomes.passed).toBe(81);
    expect(graded.grades).toEqual({ pass: 81, partial: 0, fail: 82 });

    const manifest = JSON.parse(await readFile(graded.manifestUri, 'utf8')) as {
      benchmarkDerived: boolean;
      prepare: { originalOutcomes: Record<string, number> };
      summary: { outcomes: Record<string, number> };
      llmUsage: { requests: number };
    };
    expect(manifest.benchmarkDerived).toBe(true);
    expect(manifest.prepare.originalOutcomes.passed).toBe(164);
    expect(manifest.summary.outcomes).toMatchObject({ passed: 81, error: 82, timeout: 0, memory_limit: 0, output_limit: 0, killed: 0 });
    expect(manifest.llmUsage.requests).toBeGreaterThanOrEqual(164);
  });
});
