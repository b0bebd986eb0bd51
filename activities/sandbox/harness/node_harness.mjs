/* global process */
// Runs a program and its tests inside the sandbox and reports one JSON line on fd 3.
// The folder (first argument, /sandbox by default) holds spec.json, program.mjs and tests.mjs;
// the tests import ./program.mjs and export check(candidate) (check style) or test* functions
// (functions style). Every test function runs, and the report counts those that passed.
import { readFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const SANDBOX_DIR = process.argv[2] ?? '/sandbox';
const RESULT_FD = 3;
const TRACEBACK_TAIL_CHARS = 2000;

function report(result) {
  try {
    writeSync(RESULT_FD, JSON.stringify(result) + '\n');
  } catch {
    // The result pipe is gone: the sandbox classifies the run from its exit status.
  }
}

function describeError(error) {
  const stack = error instanceof Error ? String(error.stack) : String(error);
  return {
    status: 'error',
    exceptionType: error instanceof Error ? error.name : typeof error,
    message: String(error instanceof Error ? error.message : error).slice(0, 500),
    tracebackTail: stack.slice(-TRACEBACK_TAIL_CHARS),
  };
}

async function runTests(spec) {
  const program = await import(pathToFileURL(path.join(SANDBOX_DIR, 'program.mjs')).href);
  if (spec.testStyle === 'script') return { status: 'passed' };

  const tests = await import(pathToFileURL(path.join(SANDBOX_DIR, 'tests.mjs')).href);
  const cases = spec.testStyle === 'check'
    ? [['check', () => tests.check(program[spec.entryPoint])]]
    : Object.entries(tests).filter(([name, value]) => name.startsWith('test') && typeof value === 'function');
  if (cases.length === 0) {
    return { status: 'error', exceptionType: 'NoTests', message: 'tests.mjs exports no test* function', tracebackTail: '' };
  }
  let passed = 0;
  const failures = [];
  for (const [name, run] of cases) {
    try {
      await run();
      passed += 1;
    } catch (error) {
      if (error?.code !== 'ERR_ASSERTION') throw error;
      failures.push({ failingTest: name, message: String(error.message).slice(0, 500) });
    }
  }
  const counts = { casesPassed: passed, casesTotal: cases.length };
  return failures.length === 0 ? { status: 'passed', ...counts } : { status: 'failed', ...failures[0], ...counts };
}

const spec = JSON.parse(readFileSync(path.join(SANDBOX_DIR, 'spec.json'), 'utf8'));
try {
  report(await runTests(spec));
} catch (error) {
  report(describeError(error));
}
