// Turns what was observed about one run (harness report, exit status, limits the sandbox or the
// kernel enforced) into one outcome. Pure, so every rule has a unit test.
import { z } from 'zod';
import type { SandboxLimitReason, SandboxOutcome } from './schema';

/** The JSON line the harness writes on fd 3. */
export const HarnessReport = z.object({
  status: z.enum(['passed', 'failed', 'error']),
  failingTest: z.string().optional(),
  message: z.string().optional(),
  exceptionType: z.string().optional(),
  errno: z.number().nullable().optional(),
  tracebackTail: z.string().optional(),
  casesPassed: z.number().int().nonnegative().optional(),
  casesTotal: z.number().int().nonnegative().optional(),
});
export type HarnessReport = z.infer<typeof HarnessReport>;

export interface RunObservation {
  report?: HarnessReport;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  wallClockExceeded: boolean;
  outputExceeded: boolean;
  processLimitHits: number;
  oomKills: number;
  stderrTail: string;
}

export interface Classification {
  outcome: SandboxOutcome;
  limitReason?: SandboxLimitReason;
  failingTest?: string;
  message?: string;
  tracebackTail?: string;
  casesPassed?: number;
  casesTotal?: number;
}

const EFBIG = 27;
const EAGAIN = 11;
const TRACEBACK_TAIL_CHARS = 2000;

function limitHit(outcome: SandboxOutcome, limitReason: SandboxLimitReason, message: string): Classification {
  return { outcome, limitReason, message };
}

/** Limits that explain a failure whatever the program printed, in the order they are checked. */
function classifyEnforcedLimit(observed: RunObservation): Classification | undefined {
  if (observed.outputExceeded) return limitHit('output_limit', 'output_bytes', 'stdout and stderr exceeded the output limit');
  if (observed.oomKills > 0) return limitHit('memory_limit', 'memory', 'the kernel OOM killer ended a process of the run');
  if (observed.signal === 'SIGXCPU') return limitHit('timeout', 'cpu_time', 'CPU time limit reached');
  if (observed.signal === 'SIGXFSZ') return limitHit('output_limit', 'file_size', 'file size limit reached');
  if (observed.processLimitHits > 0 && observed.report?.status !== 'passed') {
    return limitHit('killed', 'process_limit', 'process limit reached; the run was killed');
  }
  if (observed.wallClockExceeded) return limitHit('timeout', 'wall_clock', 'wall-clock timeout reached; the process tree was killed');
  // The hard CPU limit sends SIGKILL when the program ignores SIGXCPU.
  if (observed.signal === 'SIGKILL' && !observed.report) return limitHit('killed', 'signal', 'the program was killed by SIGKILL');
  return undefined;
}

function classifyReport(report: HarnessReport): Classification {
  const cases = report.casesTotal === undefined ? {} : { casesPassed: report.casesPassed, casesTotal: report.casesTotal };
  if (report.status === 'passed') return { outcome: 'passed', ...cases };
  if (report.status === 'failed') return { outcome: 'failed', failingTest: report.failingTest, message: report.message, ...cases };
  if (report.exceptionType === 'MemoryError' || report.exceptionType === 'RangeError' && /heap|allocation/i.test(report.message ?? '')) {
    return { ...limitHit('memory_limit', 'memory', report.message || 'memory limit reached'), tracebackTail: report.tracebackTail };
  }
  if (report.errno === EFBIG) return { ...limitHit('output_limit', 'file_size', report.message ?? 'file too large'), tracebackTail: report.tracebackTail };
  if (report.errno === EAGAIN && report.exceptionType === 'BlockingIOError') {
    return { ...limitHit('killed', 'process_limit', report.message ?? 'process limit reached'), tracebackTail: report.tracebackTail };
  }
  return { outcome: 'error', message: report.message, tracebackTail: report.tracebackTail };
}

export function classifyRun(observed: RunObservation): Classification {
  const enforced = classifyEnforcedLimit(observed);
  if (enforced) return enforced;
  if (observed.report) return classifyReport(observed.report);

  const tail = observed.stderrTail.slice(-TRACEBACK_TAIL_CHARS);
  if (/JavaScript heap out of memory|Fatal process out of memory|MemoryError/.test(tail)) {
    return { ...limitHit('memory_limit', 'memory', 'memory limit reached'), tracebackTail: tail };
  }
  if (observed.signal) return { ...limitHit('killed', 'signal', `the program was killed by ${observed.signal}`), tracebackTail: tail };
  return {
    outcome: 'error',
    message: `the program exited with code ${observed.exitCode} without reporting a test result`,
    tracebackTail: tail,
  };
}
