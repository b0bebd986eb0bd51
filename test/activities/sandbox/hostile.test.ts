// Hostile programs, each contained by the sandbox and classified with its own outcome. Every test
// also checks that the host and this worker process are unaffected.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSandboxAvailable } from '../../../activities/sandbox/available';
import { SandboxConfig } from '../../../activities/sandbox/config';
import { runInSandbox } from '../../../activities/sandbox/run';
import type { SandboxRequest } from '../../../activities/sandbox/schema';

const config = SandboxConfig.parse({});
const hostDir = mkdtempSync(path.join(tmpdir(), 'corpusflow-hostile-'));

function python(program: string, limits: SandboxRequest['limits'] = {}): Promise<ReturnType<typeof runInSandbox> extends Promise<infer R> ? R : never> {
  return runInSandbox(config, { language: 'python', program, testStyle: 'script', limits });
}

/** Processes on the host whose command line contains `marker`. */
function hostProcessesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

function expectHostUnaffected(): void {
  const probe = spawnSync('/bin/sh', ['-c', 'echo alive']);
  expect(probe.stdout.toString()).toBe('alive\n');
  expect(readdirSync(hostDir)).toEqual(['secret.txt']);
}

beforeAll(async () => {
  await checkSandboxAvailable(config);
  writeFileSync(path.join(hostDir, 'secret.txt'), 'worker-file-secret');
});

afterAll(() => {
  rmSync(hostDir, { recursive: true, force: true });
});

describe('sandbox against hostile code', { timeout: 60_000 }, () => {
  it('kills a fork bomb at the process limit', async () => {
    const result = await python('import os\nwhile True:\n    os.fork()\n', { processes: 16, wallClockMs: 20_000 });

    expect(result.outcome).toBe('killed');
    expect(result.limitReason).toBe('process_limit');
    expectHostUnaffected();
  });

  it('stops a memory bomb at the memory limit', async () => {
    const result = await python('blocks = []\nwhile True:\n    blocks.append(bytearray(16 * 1024 * 1024))\n', { memoryBytes: 256 * 1024 * 1024 });

    expect(result.outcome).toBe('memory_limit');
    expect(result.limitReason).toBe('memory');
    expectHostUnaffected();
  });

  it('stops an infinite loop at the CPU limit', async () => {
    const result = await python('while True:\n    pass\n', { cpuSeconds: 1, wallClockMs: 20_000 });

    expect(result.outcome).toBe('timeout');
    expect(result.limitReason).toBe('cpu_time');
    expectHostUnaffected();
  });

  it('kills a sleep past the wall-clock timeout', async () => {
    const marker = `corpusflow-sleeper-${process.pid}`;
    const program = `import subprocess, time\nsubprocess.Popen(["${marker}", "600"], executable="/usr/bin/sleep")\ntime.sleep(600)\n`;
    const result = await python(program, { wallClockMs: 1_500 });

    expect(result.outcome).toBe('timeout');
    expect(result.limitReason).toBe('wall_clock');
    expect(hostProcessesWith(marker)).toEqual([]);
    expectHostUnaffected();
  });

  it('refuses a connection to a loopback port of the host', async () => {
    const connections: number[] = [];
    const server: Server = createServer((socket) => { connections.push(1); socket.end('hello'); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const result = await python(`import socket\nsocket.create_connection(("127.0.0.1", ${port}), timeout=3).recv(5)\n`);

      expect(result.outcome).toBe('error');
      expect(result.message).toMatch(/refused/i);
      expect(connections).toEqual([]);
    } finally {
      server.close();
    }
    expectHostUnaffected();
  });

  it('hides the worker environment and files', async () => {
    process.env.CORPUSFLOW_TEST_SECRET = 'hunter2-env-secret';
    const secretFile = path.join(hostDir, 'secret.txt');
    const program = [
      'import os',
      'print(sorted(os.environ.items()))',
      'print(open("/proc/self/environ").read())',
      `print(os.path.exists(${JSON.stringify(secretFile)}), os.path.exists("/root"), os.path.exists("/work"))`,
    ].join('\n');
    try {
      const result = await python(program);

      expect(result.outcome).toBe('passed');
      expect(result.stdout).not.toContain('hunter2-env-secret');
      expect(result.stdout).toContain('False False False');
      expect(process.env.CORPUSFLOW_TEST_SECRET).toBe('hunter2-env-secret');
    } finally {
      delete process.env.CORPUSFLOW_TEST_SECRET;
    }
    expectHostUnaffected();
  });

  it('blocks writes outside the temp folder', async () => {
    const outside = path.join(hostDir, 'marker');
    const program = [
      'written = []',
      `for target in [${JSON.stringify(outside)}, "/usr/marker", "/marker", "/sandbox/marker", "/etc/marker"]:`,
      '    try:',
      '        open(target, "w").write("x")',
      '        written.append(target)',
      '    except OSError:',
      '        pass',
      'open("/tmp/inside", "w").write("fine")',
      'assert written == [], written',
    ].join('\n');
    const result = await python(program);

    expect(result.outcome).toBe('passed');
    expect(existsSync(outside)).toBe(false);
    expect(existsSync('/marker')).toBe(false);
    expectHostUnaffected();
  });

  it('stops a 2 GiB file at the file-size limit', async () => {
    const program = 'with open("/tmp/big", "wb") as handle:\n    for _ in range(2048):\n        handle.write(bytes(1024 * 1024))\n';
    const result = await python(program);

    expect(result.outcome).toBe('output_limit');
    expect(result.limitReason).toBe('file_size');
    expectHostUnaffected();
  });

  it('kills a stdout flood at the output limit', async () => {
    const result = await python('import sys\nwhile True:\n    sys.stdout.write("x" * 65536)\n', { outputBytes: 256 * 1024 });

    expect(result.outcome).toBe('output_limit');
    expect(result.limitReason).toBe('output_bytes');
    expect(result.stdout.length).toBeLessThanOrEqual(64 * 1024);
    expectHostUnaffected();
  });

  it('ends a background process when the run ends', async () => {
    const marker = `corpusflow-orphan-${process.pid}`;
    const program = `import subprocess\nsubprocess.Popen(["${marker}", "600"], executable="/usr/bin/sleep", start_new_session=True)\nprint("started")\n`;
    const result = await python(program);

    expect(result.outcome).toBe('passed');
    expect(result.stdout).toBe('started\n');
    expect(hostProcessesWith(marker)).toEqual([]);
    expectHostUnaffected();
  });

  it('stops a Node heap bomb at the memory limit', async () => {
    const program = 'const blocks = [];\nwhile (true) blocks.push(new Array(1_000_000).fill(1));\n';
    const result = await runInSandbox(config, { language: 'node', program, testStyle: 'script', limits: { memoryBytes: 128 * 1024 * 1024 } });

    expect(result.outcome).toBe('memory_limit');
    expect(result.limitReason).toBe('memory');
    expectHostUnaffected();
  });

  it('reports a program killed by a signal', async () => {
    const result = await python('import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n');

    expect(result.outcome).toBe('killed');
    expect(result.limitReason).toBe('signal');
    expectHostUnaffected();
  });
});
