// Startup check for sandbox workers: runs a probe through bubblewrap and confirms the isolation
// the sandbox promises. A worker calls checkSandboxAvailable() before it polls the sandbox queue.
import { existsSync } from 'node:fs';
import { detectCgroupLayout } from './cgroup';
import type { SandboxConfig } from './config';
import { runInSandbox } from './run';

export interface SandboxAvailability {
  isolation: 'bubblewrap' | 'unsafe';
  /** Whether per-run cgroups (process count, memory, kill of every member) are in use. */
  cgroups: boolean;
  /** One line for the worker's log. */
  message: string;
}

// Prints the facts the sandbox must guarantee; the probe fails on the first one that is false.
const PROBE_PROGRAM = `
import json, os, socket
facts = {
    "interfaces": [name for _, name in socket.if_nameindex()],
    "uid": os.getuid(),
    "environment": sorted(os.environ),
}
try:
    open("/usr/corpusflow-probe", "w")
    facts["systemWritable"] = True
except OSError:
    facts["systemWritable"] = False
print(json.dumps(facts))
`;

async function probeIsolation(config: SandboxConfig): Promise<string | undefined> {
  for (const tool of [config.bubblewrapPath, config.prlimitPath, config.pythonPath]) {
    if (!existsSync(tool)) return `${tool} not found`;
  }
  let result;
  try {
    result = await runInSandbox(config, { language: 'python', program: PROBE_PROGRAM, testStyle: 'script' }, 'bubblewrap');
  } catch (error) {
    return `starting bubblewrap failed: ${(error as Error).message}`;
  }
  if (result.outcome !== 'passed') return `the probe program ended with ${result.outcome}: ${result.stderrTail.trim().slice(-300)}`;

  const facts = JSON.parse(result.stdout) as { interfaces: string[]; uid: number; environment: string[]; systemWritable: boolean };
  if (facts.interfaces.some((name) => name !== 'lo')) return `network interfaces visible: ${facts.interfaces.join(', ')}`;
  if (facts.uid === 0) return 'the code runs as root inside the sandbox';
  if (facts.systemWritable) return '/usr is writable inside the sandbox';
  const unexpected = facts.environment.filter((name) => !['PATH', 'HOME', 'LANG', 'PWD', 'LC_CTYPE'].includes(name));
  if (unexpected.length > 0) return `worker environment variables visible: ${unexpected.join(', ')}`;
  return undefined;
}

/**
 * Verifies that bubblewrap isolates code here (no network, non-root, read-only system, empty
 * environment). Throws when it does not, unless `config.allowUnsafe` is set, in which case the
 * result reports that runs are unisolated.
 */
export async function checkSandboxAvailable(config: SandboxConfig): Promise<SandboxAvailability> {
  const problem = await probeIsolation(config);
  const cgroups = (await detectCgroupLayout(config.cgroupRoot)) !== undefined;
  const cgroupNote = cgroups
    ? 'per-run cgroups limit processes and memory'
    : 'no writable cgroup hierarchy, so only rlimits bound processes and memory';
  if (!problem) return { isolation: 'bubblewrap', cgroups, message: `Sandbox isolation verified with bubblewrap; ${cgroupNote}.` };

  if (config.allowUnsafe) {
    return {
      isolation: 'unsafe',
      cgroups,
      message: `Sandbox isolation is unavailable (${problem}); running code UNISOLATED because CORPUSFLOW_SANDBOX_UNSAFE=1. Use this for local development only.`,
    };
  }
  throw new Error(
    `Sandbox isolation is unavailable: ${problem}. The sandbox worker will not run model-written code without it. ` +
      'Install bubblewrap (listed in infra/apt-packages.txt; run "bash infra/install.sh") on a kernel that allows user namespaces, ' +
      'or set CORPUSFLOW_SANDBOX_UNSAFE=1 for local development on a machine that stores no secrets.',
  );
}
