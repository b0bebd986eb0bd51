// One cgroup per sandboxed run, for a process count and memory limit the kernel enforces on the
// whole tree, counters that tell a fork bomb and an OOM kill apart, and a kill of every member.
// Supports cgroup v1 (separate pids and memory hierarchies) and v2 (one unified hierarchy).
// NOTE: run cgroups sit under <root>/corpusflow-sandbox, beside the worker's own cgroup rather than
// inside it, so a container memory limit on the worker does not also cover its sandboxed runs.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

const PARENT_NAME = 'corpusflow-sandbox';

export interface CgroupStats {
  /** Times a fork failed because pids.max was reached. */
  processLimitHits: number;
  /** Processes the kernel OOM killer ended inside the cgroup. */
  oomKills: number;
  peakMemoryBytes?: number;
}

export interface RunCgroup {
  /** cgroup.procs files the run's first process writes its pid into before it starts the sandbox. */
  procsFiles: string[];
  readStats(): Promise<CgroupStats>;
  killAll(): Promise<void>;
  remove(): Promise<void>;
}

export type CgroupLayout = { version: 1; pidsRoot: string; memoryRoot: string } | { version: 2; root: string };

async function isWritableHierarchy(dir: string): Promise<boolean> {
  try {
    await mkdir(path.join(dir, PARENT_NAME), { recursive: true });
    return true;
  } catch {
    return false;
  }
}

/** Finds a writable cgroup hierarchy with pids and memory controllers, or undefined. */
export async function detectCgroupLayout(root: string): Promise<CgroupLayout | undefined> {
  if (root === 'off') return undefined;
  const controllersFile = path.join(root, 'cgroup.controllers');
  if (existsSync(controllersFile)) {
    const controllers = (await readFile(controllersFile, 'utf8')).split(/\s+/);
    if (!controllers.includes('pids') || !controllers.includes('memory')) return undefined;
    if (!(await isWritableHierarchy(root))) return undefined;
    // NOTE: the v2 path is written against the kernel documentation but not run on this project's
    // test machine, which mounts cgroup v1.
    await writeFile(path.join(root, 'cgroup.subtree_control'), '+pids +memory').catch(() => undefined);
    await writeFile(path.join(root, PARENT_NAME, 'cgroup.subtree_control'), '+pids +memory');
    return { version: 2, root };
  }
  const pidsRoot = path.join(root, 'pids');
  const memoryRoot = path.join(root, 'memory');
  if (!existsSync(path.join(pidsRoot, 'pids.max')) && !existsSync(path.join(pidsRoot, 'cgroup.procs'))) return undefined;
  if (!existsSync(path.join(memoryRoot, 'memory.limit_in_bytes'))) return undefined;
  if (!(await isWritableHierarchy(pidsRoot)) || !(await isWritableHierarchy(memoryRoot))) return undefined;
  return { version: 1, pidsRoot, memoryRoot };
}

async function readCounter(file: string, key: string): Promise<number> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const line = text.split('\n').find((entry) => entry.startsWith(`${key} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

async function readNumber(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : Number(text.trim());
}

async function killMembers(procsFile: string): Promise<void> {
  // A member may fork while we kill, so repeat until no listed process is alive (bounded to about
  // a second). An exited process can stay listed for a moment; kill() then fails with ESRCH.
  for (let round = 0; round < 200; round += 1) {
    const text = await readFile(procsFile, 'utf8').catch(() => '');
    let signalled = 0;
    for (const pid of text.split('\n').filter(Boolean).map(Number)) {
      try {
        process.kill(pid, 'SIGKILL');
        signalled += 1;
      } catch {
        // Already gone.
      }
    }
    if (signalled === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function removeDir(dir: string): Promise<void> {
  // rmdir fails with EBUSY until the last member has been reaped; retry briefly.
  for (let attempt = 0; attempt < 50; attempt += 1) {
    try {
      await rmdir(dir);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

export async function createRunCgroup(layout: CgroupLayout, name: string, limits: { processes: number; memoryBytes: number }): Promise<RunCgroup> {
  if (layout.version === 2) {
    const dir = path.join(layout.root, PARENT_NAME, name);
    await mkdir(dir);
    await writeFile(path.join(dir, 'pids.max'), String(limits.processes));
    await writeFile(path.join(dir, 'memory.max'), String(limits.memoryBytes));
    await writeFile(path.join(dir, 'memory.swap.max'), '0').catch(() => undefined);
    return {
      procsFiles: [path.join(dir, 'cgroup.procs')],
      readStats: async () => ({
        processLimitHits: await readCounter(path.join(dir, 'pids.events'), 'max'),
        oomKills: await readCounter(path.join(dir, 'memory.events'), 'oom_kill'),
        peakMemoryBytes: await readNumber(path.join(dir, 'memory.peak')),
      }),
      killAll: async () => {
        await writeFile(path.join(dir, 'cgroup.kill'), '1').catch(() => killMembers(path.join(dir, 'cgroup.procs')));
      },
      remove: () => removeDir(dir),
    };
  }

  const pidsDir = path.join(layout.pidsRoot, PARENT_NAME, name);
  const memoryDir = path.join(layout.memoryRoot, PARENT_NAME, name);
  await mkdir(pidsDir);
  await mkdir(memoryDir);
  await writeFile(path.join(pidsDir, 'pids.max'), String(limits.processes));
  await writeFile(path.join(memoryDir, 'memory.limit_in_bytes'), String(limits.memoryBytes));
  // Without a swap limit the group could page out instead of hitting its limit.
  await writeFile(path.join(memoryDir, 'memory.memsw.limit_in_bytes'), String(limits.memoryBytes)).catch(() => undefined);
  return {
    procsFiles: [path.join(pidsDir, 'cgroup.procs'), path.join(memoryDir, 'cgroup.procs')],
    readStats: async () => ({
      processLimitHits: await readCounter(path.join(pidsDir, 'pids.events'), 'max'),
      oomKills: await readCounter(path.join(memoryDir, 'memory.oom_control'), 'oom_kill'),
      peakMemoryBytes: await readNumber(path.join(memoryDir, 'memory.max_usage_in_bytes')),
    }),
    killAll: () => killMembers(path.join(pidsDir, 'cgroup.procs')),
    remove: async () => {
      await removeDir(pidsDir);
      await removeDir(memoryDir);
    },
  };
}
