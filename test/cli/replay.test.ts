// `corpusflow replay` as a user runs it, on saved histories: exit code and message.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

async function replay(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'cli/main.ts', 'replay', ...args], { cwd: repoRoot, env: { ...process.env, CORPUSFLOW_LOG_LEVEL: 'warn' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('corpusflow replay command', () => {
  it('passes a history of the current code', async () => {
    const result = await replay('--history', 'test/replay/histories/nightlyRefresh.json', '--workflows', 'test/workflows/operations-bundle.ts');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Replayed 1 history against the current workflow code: deterministic.');
  });

  it('exits non-zero and explains nondeterminism', async () => {
    const result = await replay('--history', 'test/replay/histories/nightlyRefresh.json', '--workflows', 'test/replay/nondeterministic/nightly-refresh-with-timer.ts');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAILED {2}/m);
    expect(result.stderr).toContain('the current workflow code is not deterministic with this history: [TMPRL1100] Nondeterminism error');
    expect(result.stderr).toContain('patched("<change-id>")');
  });

  it('names a missing history file', async () => {
    const result = await replay('--history', 'test/replay/histories/missing.json');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Cannot read history file test/replay/histories/missing.json as JSON');
  });
});
