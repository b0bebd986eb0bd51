// Ordinary programs through the real sandbox: test styles, both languages, the unsafe mode.
import { describe, expect, it } from 'vitest';
import { checkSandboxAvailable } from '../../../activities/sandbox/available';
import { SandboxConfig } from '../../../activities/sandbox/config';
import { runInSandbox } from '../../../activities/sandbox/run';

const config = SandboxConfig.parse({});
const addOne = 'def add_one(x):\n    return x + 1\n';

describe('runInSandbox', { timeout: 30_000 }, () => {
  it('passes HumanEval-style check tests', async () => {
    const result = await runInSandbox(config, {
      language: 'python', program: addOne, tests: 'def check(candidate):\n    assert candidate(1) == 2\n', testStyle: 'check', entryPoint: 'add_one',
    });

    expect(result.outcome).toBe('passed');
    expect(result.isolation).toBe('bubblewrap');
  });

  it('names the failing assert line', async () => {
    const result = await runInSandbox(config, {
      language: 'python', program: addOne, tests: 'def check(candidate):\n    assert candidate(1) == 2\n    assert candidate(2) == 4\n', testStyle: 'check', entryPoint: 'add_one',
    });

    expect(result.outcome).toBe('failed');
    expect(result.failingTest).toBe('assert candidate(2) == 4');
  });

  it('counts every assert of check', async () => {
    const tests = 'def check(candidate):\n    assert candidate(2) == 4\n    for x in [1, 2, 3]:\n        assert candidate(x) == x + 1\n';
    const result = await runInSandbox(config, { language: 'python', program: addOne, tests, testStyle: 'check', entryPoint: 'add_one' });

    expect(result.outcome).toBe('failed');
    expect(result.casesPassed).toBe(3);
    expect(result.casesTotal).toBe(4);
  });

  it('names the failing test function', async () => {
    const tests = 'from program import add_one\ndef test_one():\n    assert add_one(1) == 2\ndef test_two():\n    assert add_one(1) == 3\n';
    const result = await runInSandbox(config, { language: 'python', program: addOne, tests });

    expect(result.outcome).toBe('failed');
    expect(result.failingTest).toBe('test_two');
    expect(result.casesPassed).toBe(1);
    expect(result.casesTotal).toBe(2);
  });

  it('imports the program under its module name', async () => {
    const tests = 'from mathutils import add_one\ndef test_one():\n    assert add_one(1) == 2\n';
    const result = await runInSandbox(config, { language: 'python', program: addOne, tests, moduleName: 'mathutils' });

    expect(result.outcome).toBe('passed');
  });

  it('returns the traceback tail of an exception', async () => {
    const result = await runInSandbox(config, { language: 'python', program: 'def f():\n    return {}["missing"]\nf()\n', testStyle: 'script' });

    expect(result.outcome).toBe('error');
    expect(result.tracebackTail).toContain("KeyError: 'missing'");
  });

  it('runs Node tests', async () => {
    const program = 'export const addOne = (x) => x + 1;\n';
    const tests = "import assert from 'node:assert';\nimport { addOne } from './program.mjs';\nexport function testOne() { assert.equal(addOne(1), 2); }\nexport function testTwo() { assert.equal(addOne(1), 3); }\n";
    const result = await runInSandbox(config, { language: 'node', program, tests });

    expect(result.outcome).toBe('failed');
    expect(result.failingTest).toBe('testTwo');
    expect(result.casesPassed).toBe(1);
  });

  it('runs without isolation in unsafe mode', async () => {
    const result = await runInSandbox(config, { language: 'python', program: 'print("hi")\n', testStyle: 'script' }, 'unsafe');

    expect(result.outcome).toBe('passed');
    expect(result.isolation).toBe('unsafe');
    expect(result.stdout).toBe('hi\n');
  });
});

describe('checkSandboxAvailable', { timeout: 30_000 }, () => {
  it('verifies bubblewrap isolation here', async () => {
    const availability = await checkSandboxAvailable(config);

    expect(availability.isolation).toBe('bubblewrap');
  });

  it('rejects a missing bubblewrap', async () => {
    const broken = SandboxConfig.parse({ bubblewrapPath: '/nonexistent/bwrap' });

    await expect(checkSandboxAvailable(broken)).rejects.toThrow(
      /^Sandbox isolation is unavailable: \/nonexistent\/bwrap not found\. The sandbox worker will not run model-written code without it\./,
    );
  });

  it('allows unsafe mode when configured', async () => {
    const broken = SandboxConfig.parse({ bubblewrapPath: '/nonexistent/bwrap', allowUnsafe: true });
    const availability = await checkSandboxAvailable(broken);

    expect(availability.isolation).toBe('unsafe');
    expect(availability.message).toContain('UNISOLATED');
  });
});
