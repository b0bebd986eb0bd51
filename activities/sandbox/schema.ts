// Boundary schemas of the sandbox: what a caller asks to run, the limits it runs under and the
// outcome it ends with. Pure module, so workflows may import its types.
import { z } from 'zod';

/** Outcome of one run. Every value is a distinct count in a stage's manifest. */
export const SandboxOutcome = z.enum([
  'passed',
  'failed',
  'error',
  'timeout',
  'memory_limit',
  'output_limit',
  'killed',
]);
export type SandboxOutcome = z.infer<typeof SandboxOutcome>;

/** Limit or event behind an outcome other than passed, failed and error. */
export const SandboxLimitReason = z.enum([
  'wall_clock',
  'cpu_time',
  'memory',
  'output_bytes',
  'file_size',
  'process_limit',
  'signal',
]);
export type SandboxLimitReason = z.infer<typeof SandboxLimitReason>;

export const SandboxLimits = z.object({
  wallClockMs: z.number().int().positive().default(10_000).describe('Wall-clock timeout in milliseconds; the whole process tree is killed when it passes'),
  cpuSeconds: z.number().int().positive().default(5).describe('RLIMIT_CPU in seconds of CPU time'),
  memoryBytes: z.number().int().positive().default(512 * 1024 * 1024).describe('Address space (RLIMIT_AS) for Python, heap size for Node, and the memory cgroup limit when cgroups are available'),
  processes: z.number().int().positive().default(32).describe('RLIMIT_NPROC inside the sandbox and pids.max of its cgroup'),
  openFiles: z.number().int().positive().default(64).describe('RLIMIT_NOFILE'),
  fileSizeBytes: z.number().int().positive().default(16 * 1024 * 1024).describe('RLIMIT_FSIZE: largest file the program may write'),
  outputBytes: z.number().int().positive().default(1024 * 1024).describe('stdout plus stderr bytes after which the run is killed'),
  tempBytes: z.number().int().positive().default(64 * 1024 * 1024).describe('Size of the private writable tmpfs mounted at /tmp'),
});
export type SandboxLimits = z.infer<typeof SandboxLimits>;

/**
 * How the harness decides pass or fail:
 * - `check`: the tests define `check(candidate)` (the HumanEval form), called with `entryPoint`;
 * - `functions`: every top-level `test_*` function of the tests runs, the first failure is reported;
 * - `script`: the program runs alone and exit status 0 means passed.
 */
export const TestStyle = z.enum(['check', 'functions', 'script']);
export type TestStyle = z.infer<typeof TestStyle>;

export const SandboxRequest = z.object({
  language: z.enum(['python', 'node']),
  program: z.string().describe('Source of the program under test'),
  tests: z.string().default(''),
  testStyle: TestStyle.default('functions'),
  entryPoint: z.string().optional().describe('Function passed to check() in the check style'),
  moduleName: z
    .string()
    .regex(/^[A-Za-z_]\w*$/, 'must be a Python identifier')
    .optional()
    .describe('Name the tests import the Python program under, "program" when unset'),
  files: z.record(z.string().regex(/^\w[\w.-]*$/, 'must be a plain file name that starts with a letter, digit or _'), z.string()).default({}).describe('Extra read-only input files, placed beside the program under /sandbox'),
  limits: SandboxLimits.partial().default({}),
  maxStdoutBytes: z.number().int().positive().max(8 * 1024 * 1024).default(64 * 1024).describe('stdout bytes kept in the result; raise the outputBytes limit with it'),
});
export type SandboxRequest = z.input<typeof SandboxRequest>;
export type ParsedSandboxRequest = z.output<typeof SandboxRequest>;

export const SandboxResult = z.object({
  outcome: SandboxOutcome,
  limitReason: SandboxLimitReason.optional(),
  failingTest: z.string().optional().describe('Name of the failing test function, or the failing assert line in the check style'),
  message: z.string().optional(),
  casesPassed: z.number().int().nonnegative().optional().describe('Test cases that passed: asserts of check() or test_* functions'),
  casesTotal: z.number().int().nonnegative().optional(),
  tracebackTail: z.string().optional().describe('Last lines of the traceback for the error outcome'),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  wallMs: z.number().nonnegative(),
  stdout: z.string().describe('First bytes of stdout, at most maxStdoutBytes of the request'),
  stderrTail: z.string().describe('Last bytes of stderr, at most 16 KiB'),
  outputBytes: z.number().int().nonnegative().describe('stdout plus stderr bytes the program wrote, counted up to the kill'),
  peakMemoryBytes: z.number().int().nonnegative().optional().describe('Peak memory of the run cgroup, when cgroups are in use'),
  isolation: z.enum(['bubblewrap', 'unsafe']),
});
export type SandboxResult = z.infer<typeof SandboxResult>;

/** Zero counts for every outcome, so manifests list each value even when it never happened. */
export function emptyOutcomeCounts(): Record<SandboxOutcome, number> {
  return Object.fromEntries(SandboxOutcome.options.map((outcome) => [outcome, 0])) as Record<SandboxOutcome, number>;
}
