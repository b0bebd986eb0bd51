// Instruction reversal end to end with the stub model as generator: the stub writes an
// instruction per program, then regenerates faithful code for some and unfaithful code for others.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeWithTests } from '../../../activities/fim/schema';
import { fidelityOf, gradeReversal } from '../../../activities/instruction-reversal/grade';
import { prepareReversal } from '../../../activities/instruction-reversal/prepare';
import { registerReversalResponseSchemas } from '../../../activities/instruction-reversal/prompt';
import { buildRegenerationRequests } from '../../../activities/instruction-reversal/regenerate';
import { completeRequests } from '../../../activities/llm/complete-requests';
import { SandboxConfig } from '../../../activities/sandbox/config';
import type { SandboxResult } from '../../../activities/sandbox/schema';
import { readJsonlRecords } from '../../../activities/shards/jsonl-reader';
import type { Document, RejectedRecord } from '../../../schemas/document';
import { LlmConfig } from '../../../schemas/llm';
import { startOpenAIStub, type OpenAIStub, type StubModelRequest, type StubReply } from '../../support/openai-stub';

const runner = { config: SandboxConfig.parse({}), isolation: 'bubblewrap' as const };

function program(id: string, code: string, tests: string): CodeWithTests {
  return { id, language: 'python', code, tests, testStyle: 'functions', source: 'handwritten', benchmarkDerived: false };
}

const programs = [
  program('add', 'def add(a, b):\n    return a + b\n', 'from program import add\ndef test_small():\n    assert add(1, 2) == 3\ndef test_negative():\n    assert add(-1, -2) == -3\n'),
  program('palindrome', 'def is_palindrome(text):\n    return text == text[::-1]\n', 'from program import is_palindrome\ndef test_yes():\n    assert is_palindrome("abba")\ndef test_no():\n    assert not is_palindrome("abc")\n'),
  program('reverse_words', 'def reverse_words(text):\n    return " ".join(reversed(text.split()))\n', 'from program import reverse_words\ndef test_one():\n    assert reverse_words("a") == "a"\ndef test_two():\n    assert reverse_words("a b") == "b a"\n'),
  program('vowels', 'def count_vowels(text):\n    return sum(c in "aeiou" for c in text)\n', 'from program import count_vowels\ndef test_count():\n    assert count_vowels("banana") == 3\n'),
  program('broken', 'def double(x):\n    return x * 3\n', 'from program import double\ndef test_double():\n    assert double(2) == 4\n'),
];

// Regenerated code per program: faithful copies for two, code that passes half the tests for one.
const regenerated: Record<string, string> = {
  add: 'def add(a, b):\n    total = a\n    total += b\n    return total\n',
  palindrome: 'def is_palindrome(text):\n    return list(text) == list(reversed(text))\n',
  reverse_words: 'def reverse_words(text):\n    return text\n',
};

function stubGenerator(request: StubModelRequest): StubReply {
  const source = /```python\n([\s\S]*)\n```/.exec(request.prompt)?.[1];
  if (source !== undefined) {
    const record = programs.find((candidate) => candidate.code === source)!;
    if (record.id === 'vowels') return { content: '{"instruction": 42}' };
    return { content: JSON.stringify({ instruction: `Write the function of program [${record.id}].` }) };
  }
  const id = /program \[(\w+)\]/.exec(request.prompt)?.[1] ?? '';
  return { content: JSON.stringify({ code: regenerated[id] ?? 'raise SystemExit(1)' }) };
}

async function readAll<T>(uri: string): Promise<T[]> {
  const records: T[] = [];
  for await (const record of readJsonlRecords<T>(uri)) records.push(record);
  return records;
}

describe('instruction reversal', { timeout: 120_000 }, () => {
  let stub: OpenAIStub;
  let outputUri: string;
  let inputUri: string;

  beforeAll(async () => {
    registerReversalResponseSchemas();
    stub = await startOpenAIStub({ respond: stubGenerator });
    outputUri = await mkdtemp(path.join(os.tmpdir(), 'reversal-'));
    inputUri = path.join(outputUri, 'programs-input.jsonl');
    await writeFile(inputUri, programs.map((record) => JSON.stringify(record)).join('\n') + '\n');
  });

  afterAll(async () => {
    await stub.close();
    await rm(outputUri, { recursive: true, force: true });
  });

  it('keeps only faithful stub pairs', async () => {
    const llm = LlmConfig.parse({ roles: { generator: { baseURL: stub.baseURL, model: 'stub-model', structuredOutput: 'json_object' } }, cacheUri: path.join(outputUri, 'llm-cache') });
    const prepared = await prepareReversal(runner, { inputUri, outputUri });
    const instructions = await completeRequests({ config: llm, role: 'generator', requestsUri: prepared.requestsUri, outputUri: path.join(outputUri, 'instructions.jsonl.gz') });
    const regeneration = await buildRegenerationRequests({ instructionsUri: instructions.outputUri, outputUri });
    const regeneratedCode = await completeRequests({ config: llm, role: 'generator', requestsUri: regeneration.requestsUri, outputUri: path.join(outputUri, 'regenerated.jsonl.gz') });
    const graded = await gradeReversal(runner, { programsUri: prepared.programsUri, instructionsUri: instructions.outputUri, regeneratedUri: regeneratedCode.outputUri, outputUri });

    expect(prepared.stats.droppedByReason).toEqual({ original_failed_tests: 1 });
    expect(regeneration.requests).toBe(3);

    const pairs = await readAll<Document>(graded.pairsUri);
    expect(pairs.map((pair) => pair.metadata.sourceId).sort()).toEqual(['add', 'palindrome']);
    expect(pairs[0]!.text).toContain('Write the function of program [');
    expect(pairs.every((pair) => pair.metadata.fidelity === 1)).toBe(true);
    expect(graded.stats.droppedByReason).toEqual({ low_fidelity: 1, llm_parse_failed: 1 });

    const rejected = await readAll<RejectedRecord>(graded.rejectedUri);
    const lowFidelity = rejected.find((record) => record.reason === 'low_fidelity')!;
    expect(lowFidelity.id).toBe('reversal-reverse_words');
    expect(lowFidelity.measurements?.fidelity).toBe(0.5);
    expect(graded.outcomes).toMatchObject({ passed: 2, failed: 1, error: 0 });
  });
});

describe('fidelityOf', () => {
  const base: SandboxResult = { outcome: 'failed', exitCode: 0, signal: null, wallMs: 1, stdout: '', stderrTail: '', outputBytes: 0, isolation: 'bubblewrap' };

  it('is the share of passing cases', () => {
    expect(fidelityOf({ ...base, casesPassed: 1, casesTotal: 4 })).toBe(0.25);
  });

  it('is 0 for a timeout', () => {
    expect(fidelityOf({ ...base, outcome: 'timeout' })).toBe(0);
  });

  it('is 1 for a passing script', () => {
    expect(fidelityOf({ ...base, outcome: 'passed' })).toBe(1);
  });
});
