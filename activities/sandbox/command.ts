// Builds the argument vector that starts one sandboxed run: setpriv (drop root), bubblewrap
// (namespaces and mounts), prlimit (resource limits), then the interpreter with its harness.
import type { SandboxConfig } from './config';
import type { SandboxLimits } from './schema';

/** A host path to show inside the sandbox, as found on the host. */
export type ReadOnlyMount = { path: string; kind: 'path' } | { path: string; kind: 'symlink'; target: string };

export interface SandboxCommandInput {
  config: SandboxConfig;
  limits: SandboxLimits;
  language: 'python' | 'node';
  /** Host folder holding the program, tests, spec and harness; mounted read-only at /sandbox. */
  programDir: string;
  mounts: ReadOnlyMount[];
  /** True when the worker runs as root and must switch to `config.runAsUid` first. */
  dropRoot: boolean;
}

// Node reserves about 1 GiB of address space at start (its code range), so its RLIMIT_AS gets this
// headroom over the heap limit; --max-old-space-size bounds the heap itself.
const NODE_ADDRESS_SPACE_HEADROOM = 2 * 1024 * 1024 * 1024;

export function interpreterArgs(
  config: SandboxConfig,
  language: 'python' | 'node',
  limits: SandboxLimits,
  programDir = '/sandbox',
): string[] {
  if (language === 'python') {
    // -I: ignore PYTHON* variables and the user site folder; -B: write no .pyc files.
    return [config.pythonPath, '-I', '-B', `${programDir}/harness.py`, programDir];
  }
  const heapMegabytes = Math.max(16, Math.floor(limits.memoryBytes / (1024 * 1024)));
  return [config.nodePath, `--max-old-space-size=${heapMegabytes}`, `${programDir}/harness.mjs`, programDir];
}

export function prlimitArgs(config: SandboxConfig, language: 'python' | 'node', limits: SandboxLimits): string[] {
  const addressSpace = language === 'node' ? limits.memoryBytes + NODE_ADDRESS_SPACE_HEADROOM : limits.memoryBytes;
  return [
    config.prlimitPath,
    // Soft CPU limit sends SIGXCPU, the hard limit one second later SIGKILL.
    `--cpu=${limits.cpuSeconds}:${limits.cpuSeconds + 1}`,
    `--as=${addressSpace}`,
    `--nproc=${limits.processes}`,
    `--nofile=${limits.openFiles}`,
    `--fsize=${limits.fileSizeBytes}`,
    '--core=0',
    '--',
  ];
}

export function bubblewrapArgs(input: SandboxCommandInput): string[] {
  const { config, limits, programDir, mounts } = input;
  const args = [
    config.bubblewrapPath,
    // New user, pid, network, ipc, uts and cgroup namespaces: no network at all, only loopback.
    '--unshare-all',
    '--unshare-user',
    '--disable-userns',
    '--die-with-parent',
    '--new-session',
    '--clearenv',
    '--setenv', 'PATH', '/usr/bin:/bin',
    '--setenv', 'HOME', '/tmp',
    '--setenv', 'LANG', 'C.UTF-8',
    '--hostname', 'sandbox',
  ];
  for (const mount of mounts) {
    if (mount.kind === 'symlink') args.push('--symlink', mount.target, mount.path);
    else args.push('--ro-bind', mount.path, mount.path);
  }
  args.push(
    '--proc', '/proc',
    '--dev', '/dev',
    '--size', String(limits.tempBytes), '--tmpfs', '/tmp',
    '--ro-bind', programDir, '/sandbox',
    '--chdir', '/tmp',
    // Processes started in the sandbox cannot gain privileges through setuid binaries.
    '--remount-ro', '/',
  );
  return args;
}

/** Builds the full argument vector; the first element is the executable. */
export function sandboxCommand(input: SandboxCommandInput): string[] {
  const privilegeDrop = input.dropRoot
    ? [input.config.setprivPath, `--reuid=${input.config.runAsUid}`, `--regid=${input.config.runAsGid}`, '--clear-groups', '--']
    : [];
  return [
    ...privilegeDrop,
    ...bubblewrapArgs(input),
    '--',
    ...prlimitArgs(input.config, input.language, input.limits),
    ...interpreterArgs(input.config, input.language, input.limits),
  ];
}

/**
 * Runs the harness with resource limits only: no namespaces, no read-only system, the program
 * folder as working folder. For local development where bubblewrap is unavailable, never for
 * model-written code on a host that stores secrets. Without a pid namespace, a background process
 * outlives the run unless a run cgroup is available to kill it.
 */
export function unsafeCommand(input: Pick<SandboxCommandInput, 'config' | 'limits' | 'language' | 'programDir'>): string[] {
  return [
    ...prlimitArgs(input.config, input.language, input.limits),
    ...interpreterArgs(input.config, input.language, input.limits, input.programDir),
  ];
}
