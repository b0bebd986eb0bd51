// Sandbox worker configuration: where the isolation tools and interpreters live, which user the
// sandboxed code runs as, and the default limits. Loaded from the worker's environment.
import { z } from 'zod';
import { SandboxLimits } from './schema';

export const SandboxConfig = z.object({
  bubblewrapPath: z.string().default('/usr/bin/bwrap'),
  setprivPath: z.string().default('/usr/bin/setpriv').describe('Used to drop root before starting bubblewrap'),
  prlimitPath: z.string().default('/usr/bin/prlimit'),
  pythonPath: z.string().default('/usr/bin/python3'),
  nodePath: z.string().default('/usr/bin/node'),
  runAsUid: z.number().int().nonnegative().default(65534).describe('User id the code runs as when the worker runs as root (65534 is nobody on Debian)'),
  runAsGid: z.number().int().nonnegative().default(65534),
  readOnlyPaths: z
    .array(z.string())
    .default(['/usr', '/lib', '/lib64', '/bin', '/sbin', '/etc/ld.so.cache', '/etc/alternatives', '/etc/localtime'])
    .describe('Host paths visible read-only inside the sandbox; symlinks are recreated as symlinks, missing paths skipped'),
  cgroupRoot: z.string().default('/sys/fs/cgroup').describe('Where cgroups are mounted; "off" disables per-run cgroups'),
  workDirParent: z
    .string()
    .optional()
    .describe('Host folder for per-run program folders, the OS temp folder when unset; runAsUid must be able to traverse it'),
  allowUnsafe: z.boolean().default(false).describe('Run code without isolation when bubblewrap is unavailable: local development only'),
  limits: SandboxLimits.default(SandboxLimits.parse({})),
});
export type SandboxConfig = z.output<typeof SandboxConfig>;
export type SandboxConfigInput = z.input<typeof SandboxConfig>;

/**
 * Reads the config from environment variables: CORPUSFLOW_SANDBOX_UNSAFE=1 allows unisolated runs,
 * CORPUSFLOW_SANDBOX_UID / _GID pick the user, CORPUSFLOW_SANDBOX_CGROUP_ROOT the cgroup mount.
 */
export function sandboxConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SandboxConfig {
  const input: SandboxConfigInput = { allowUnsafe: env.CORPUSFLOW_SANDBOX_UNSAFE === '1' };
  if (env.CORPUSFLOW_SANDBOX_UID) input.runAsUid = Number(env.CORPUSFLOW_SANDBOX_UID);
  if (env.CORPUSFLOW_SANDBOX_GID) input.runAsGid = Number(env.CORPUSFLOW_SANDBOX_GID);
  if (env.CORPUSFLOW_SANDBOX_CGROUP_ROOT) input.cgroupRoot = env.CORPUSFLOW_SANDBOX_CGROUP_ROOT;
  return SandboxConfig.parse(input);
}
