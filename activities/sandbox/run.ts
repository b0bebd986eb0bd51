// Runs one program with its tests in the sandbox and returns its outcome. The program folder is
// written on the host, mounted read-only, and removed afterwards together with the run's cgroup.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { lstat, mkdtemp, readlink, rm, writeFile, chmod } from 'node:fs/promises';
import { constants as osConstants, tmpdir } from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { classifyRun, HarnessReport, type RunObservation } from './classify';
import { createRunCgroup, detectCgroupLayout, type CgroupLayout, type RunCgroup } from './cgroup';
import { sandboxCommand, unsafeCommand, type ReadOnlyMount } from './command';
import type { SandboxConfig } from './config';
import { SandboxLimits, SandboxRequest, type SandboxResult } from './schema';

const STDERR_KEEP_BYTES = 16 * 1024;
const REPORT_MAX_BYTES = 1024 * 1024;
const CGROUP_POLL_MS = 100;

const harnessSources = {
  python: readFileSync(new URL('./harness/python_harness.py', import.meta.url), 'utf8'),
  node: readFileSync(new URL('./harness/node_harness.mjs', import.meta.url), 'utf8'),
};

const signalNames = new Map<number, NodeJS.Signals>(
  Object.entries(osConstants.signals).map(([name, number]) => [number, name as NodeJS.Signals]),
);

const cgroupLayouts = new Map<string, Promise<CgroupLayout | undefined>>();

function cgroupLayoutFor(config: SandboxConfig): Promise<CgroupLayout | undefined> {
  let layout = cgroupLayouts.get(config.cgroupRoot);
  if (!layout) {
    layout = detectCgroupLayout(config.cgroupRoot);
    cgroupLayouts.set(config.cgroupRoot, layout);
  }
  return layout;
}

export async function resolveMounts(paths: string[]): Promise<ReadOnlyMount[]> {
  const mounts: ReadOnlyMount[] = [];
  for (const hostPath of paths) {
    const info = await lstat(hostPath).catch(() => undefined);
    if (!info) continue;
    if (info.isSymbolicLink()) mounts.push({ path: hostPath, kind: 'symlink', target: await readlink(hostPath) });
    else mounts.push({ path: hostPath, kind: 'path' });
  }
  return mounts;
}

/** Writes program, tests, extra files, spec and harness into a fresh host folder. */
async function writeProgramDir(config: SandboxConfig, request: SandboxRequest & { files: Record<string, string> }): Promise<string> {
  const dir = await mkdtemp(path.join(config.workDirParent ?? tmpdir(), 'corpusflow-sandbox-'));
  // The sandbox user only needs to read the folder.
  await chmod(dir, 0o755);
  const extension = request.language === 'python' ? 'py' : 'mjs';
  const files: Record<string, string> = {
    ...request.files,
    [`program.${extension}`]: request.program,
    [`tests.${extension}`]: request.tests ?? '',
    'spec.json': JSON.stringify({ testStyle: request.testStyle, entryPoint: request.entryPoint ?? null, moduleName: request.moduleName ?? null }),
    [`harness.${extension}`]: harnessSources[request.language],
  };
  for (const [name, content] of Object.entries(files)) {
    await writeFile(path.join(dir, name), content, { mode: 0o644 });
  }
  return dir;
}

/** Keeps the first `limit` bytes of a stream. */
class HeadBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}
  push(chunk: Buffer): void {
    if (this.size >= this.limit) return;
    const part = chunk.subarray(0, this.limit - this.size);
    this.chunks.push(part);
    this.size += part.length;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** Keeps the last `limit` bytes of a stream. */
class TailBuffer {
  private buffer = Buffer.alloc(0);
  constructor(private readonly limit: number) {}
  push(chunk: Buffer): void {
    const joined = Buffer.concat([this.buffer, chunk]);
    this.buffer = joined.subarray(Math.max(0, joined.length - this.limit));
  }
  text(): string {
    return this.buffer.toString('utf8');
  }
}

function parseReport(text: string): HarnessReport | undefined {
  const firstLine = text.split('\n').find((line) => line.trim() !== '');
  if (!firstLine) return undefined;
  try {
    const parsed = HarnessReport.safeParse(JSON.parse(firstLine));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

interface ChildExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

/** Starts the command with the cgroup joined first, enforces wall clock and output limits. */
async function execute(argv: string[], cwd: string, limits: SandboxLimits, maxStdoutBytes: number, cgroup: RunCgroup | undefined) {
  // The shell joins the cgroup and then execs the sandbox, so every descendant is a member.
  // It gets an empty environment: nothing of the worker's environment reaches the sandbox.
  const join = cgroup ? cgroup.procsFiles.map((file) => `echo $$ > '${file}'`).join(' && ') + ' && ' : '';
  const child = spawn('/bin/sh', ['-c', `${join}exec "$@"`, 'sandbox', ...argv], {
    env: {},
    cwd,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    detached: true,
  });
  const stdout = new HeadBuffer(maxStdoutBytes);
  const stderr = new TailBuffer(STDERR_KEEP_BYTES);
  const report = new HeadBuffer(REPORT_MAX_BYTES);
  let outputBytes = 0;
  let wallClockExceeded = false;
  let outputExceeded = false;
  let processLimitHits = 0;
  let exited = false;

  const killTree = (): void => {
    // After exit the process group id may belong to a new, unrelated process.
    if (exited) return;
    // Killing bubblewrap kills its pid-namespace init (--die-with-parent), so the kernel then kills
    // every process of that namespace. The cgroup kill covers the moments before that.
    if (child.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The process group is already gone.
      }
    }
    void cgroup?.killAll();
  };
  const countOutput = (chunk: Buffer): void => {
    outputBytes += chunk.length;
    if (outputBytes > limits.outputBytes && !outputExceeded) {
      outputExceeded = true;
      killTree();
    }
  };
  child.stdout?.on('data', (chunk: Buffer) => { stdout.push(chunk); countOutput(chunk); });
  child.stderr?.on('data', (chunk: Buffer) => { stderr.push(chunk); countOutput(chunk); });
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => report.push(chunk));

  const started = performance.now();
  const wallClock = setTimeout(() => { wallClockExceeded = true; killTree(); }, limits.wallClockMs);
  const poll = cgroup
    ? setInterval(() => {
        void cgroup.readStats().then((stats) => {
          // A fork bomb keeps forking into the limit until the wall clock; stop it at once.
          if (stats.processLimitHits > 0 && processLimitHits === 0) {
            processLimitHits = stats.processLimitHits;
            killTree();
          }
        });
      }, CGROUP_POLL_MS)
    : undefined;

  const exit = await new Promise<ChildExit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode, signal) => resolve({ exitCode, signal }));
  }).finally(() => {
    exited = true;
    clearTimeout(wallClock);
    if (poll) clearInterval(poll);
  });

  return {
    exit, wallMs: performance.now() - started, stdout: stdout.text(), stderrTail: stderr.text(),
    report: parseReport(report.text()), outputBytes, wallClockExceeded, outputExceeded, processLimitHits,
  };
}

/** bubblewrap exits with 128 + N when the program died of signal N. */
function programSignal(exit: ChildExit): NodeJS.Signals | null {
  if (exit.signal) return exit.signal;
  if (exit.exitCode !== null && exit.exitCode > 128) return signalNames.get(exit.exitCode - 128) ?? null;
  return null;
}

/**
 * Runs one request. `isolation` comes from checkSandboxAvailable(); 'unsafe' keeps the limits
 * but drops namespaces and mounts, for local development only.
 */
export async function runInSandbox(
  config: SandboxConfig,
  input: SandboxRequest,
  isolation: 'bubblewrap' | 'unsafe' = 'bubblewrap',
): Promise<SandboxResult> {
  const request = SandboxRequest.parse(input);
  const limits = SandboxLimits.parse({ ...config.limits, ...request.limits });

  const programDir = await writeProgramDir(config, request);
  const layout = await cgroupLayoutFor(config);
  const cgroup = layout
    ? await createRunCgroup(layout, `run-${randomUUID()}`, {
        processes: limits.processes,
        // tmpfs pages written by the program are charged to its cgroup too.
        memoryBytes: limits.memoryBytes + limits.tempBytes + 64 * 1024 * 1024,
      })
    : undefined;
  try {
    const argv = isolation === 'unsafe'
      ? unsafeCommand({ config, limits, language: request.language, programDir })
      : sandboxCommand({
          config, limits, language: request.language, programDir,
          mounts: await resolveMounts(config.readOnlyPaths),
          dropRoot: process.getuid?.() === 0,
        });
    const run = await execute(argv, programDir, limits, request.maxStdoutBytes, cgroup);
    const stats = cgroup ? await cgroup.readStats() : { processLimitHits: 0, oomKills: 0, peakMemoryBytes: undefined };

    const observation: RunObservation = {
      report: run.report,
      exitCode: run.exit.exitCode,
      signal: programSignal(run.exit),
      wallClockExceeded: run.wallClockExceeded,
      outputExceeded: run.outputExceeded,
      processLimitHits: Math.max(run.processLimitHits, stats.processLimitHits),
      oomKills: stats.oomKills,
      stderrTail: run.stderrTail,
    };
    return {
      ...classifyRun(observation),
      exitCode: run.exit.exitCode,
      signal: observation.signal,
      wallMs: Math.round(run.wallMs),
      stdout: run.stdout,
      stderrTail: run.stderrTail,
      outputBytes: run.outputBytes,
      peakMemoryBytes: stats.peakMemoryBytes,
      isolation,
    };
  } finally {
    await cgroup?.killAll();
    await cgroup?.remove();
    await rm(programDir, { recursive: true, force: true });
  }
}
