// Reads programs with tests: HumanEval lines or CodeWithTests lines. A line that is not valid
// becomes a rejected record naming the file, line and field, never a failed activity.
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { RejectedRecord } from '../../schemas/document';
import { readJsonlLines } from '../shards/jsonl-reader';
import { storageFor } from '../storage';
import { CodeWithTests } from './schema';

/** One HumanEval problem as distributed (HumanEval.jsonl.gz). */
export const HumanEvalProblem = z.object({
  task_id: z.string(),
  prompt: z.string(),
  canonical_solution: z.string(),
  test: z.string(),
  entry_point: z.string(),
});

export interface LoadedPrograms {
  records: Array<{ record: CodeWithTests; recordIndex: number }>;
  rejected: RejectedRecord[];
}

// HumanEval is a benchmark: records made from it are marked benchmarkDerived, and outputs built
// from them serve only as tests of this stage, never as published training data.
function fromHumanEval(problem: z.infer<typeof HumanEvalProblem>): CodeWithTests {
  return {
    id: problem.task_id,
    language: 'python',
    code: problem.prompt + problem.canonical_solution,
    tests: problem.test,
    testStyle: 'check',
    entryPoint: problem.entry_point,
    source: 'humaneval',
    benchmarkDerived: true,
  };
}

export async function loadPrograms(uri: string, format: 'humaneval' | 'code_with_tests', stage: string): Promise<LoadedPrograms> {
  if (!(await (await storageFor(uri)).stat(uri))) {
    throw ApplicationFailure.nonRetryable(`Input file not found: ${uri}. Check the stage's inputUri.`, 'InputNotFound');
  }
  const loaded: LoadedPrograms = { records: [], rejected: [] };
  let recordIndex = 0;
  for await (const line of readJsonlLines(uri)) {
    const index = recordIndex;
    recordIndex += 1;
    const reject = (reason: string, detail: string): void => {
      loaded.rejected.push({ id: `${stage}-${uri}-${index}`, stage, reason, detail, inputUri: uri, recordIndex: index, raw: line.text.slice(0, 64 * 1024) });
    };

    let json: unknown;
    try {
      json = JSON.parse(line.text);
    } catch (error) {
      reject('invalid_json', `${uri} line ${line.lineNumber}: invalid JSON: ${(error as Error).message}`);
      continue;
    }
    const schema = format === 'humaneval' ? HumanEvalProblem : CodeWithTests;
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      reject('invalid_program_record', `${uri} line ${line.lineNumber}, field "${issue.path.join('.')}": ${issue.message}`);
      continue;
    }
    const record = format === 'humaneval' ? fromHumanEval(parsed.data as z.infer<typeof HumanEvalProblem>) : (parsed.data as CodeWithTests);
    loaded.records.push({ record, recordIndex: index });
  }
  return loaded;
}
