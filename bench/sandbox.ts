// Sandboxed execution throughput and its overhead over running the same program unsandboxed.
// The program is a small function with a HumanEval-style check() of three asserts. Three ways:
//   1. plain: `python3 -I -B -c <program + tests + check call>`, a bare child process;
//   2. limits only: runInSandbox in unsafe mode (the harness under prlimit, no namespaces);
//   3. sandboxed: runInSandbox with bubblewrap, the per-run cgroup and every limit.
// Each way runs sequentially (per-execution latency) and then two at a time (executions/s on two
// workers' worth of cores). Overhead is the ratio of mean latencies to the plain run.
import { spawn } from 'node:child_process';
import os from 'node:os';
import pLimit from 'p-limit';
import { checkSandboxAvailable } from '../activities/sandbox/available';
import { SandboxConfig } from '../activities/sandbox/config';
import { runInSandbox } from '../activities/sandbox/run';

const PROGRAM = 'def add_squares(a, b):\n    return a * a + b * b\n';
const TESTS = 'def check(candidate):\n    assert candidate(1, 2) == 5\n    assert candidate(0, 0) == 0\n    assert candidate(-3, 4) == 25\n';
const SEQUENTIAL_RUNS = 60;
const PARALLEL_RUNS = 120;
const CONCURRENCY = 2;

type Execution = () => Promise<void>;

function plainRun(config: SandboxConfig): Execution {
  const source = `${PROGRAM}\n${TESTS}\ncheck(add_squares)\n`;
  return () =>
    new Promise((resolve, reject) => {
      const child = spawn(config.pythonPath, ['-I', '-B', '-c', source], { stdio: 'ignore' });
      child.once('error', reject);
      child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`plain run exited with ${code}`))));
    });
}

function sandboxRun(config: SandboxConfig, isolation: 'bubblewrap' | 'unsafe'): Execution {
  return async () => {
    const result = await runInSandbox(config, { language: 'python', program: PROGRAM, tests: TESTS, testStyle: 'check', entryPoint: 'add_squares' }, isolation);
    if (result.outcome !== 'passed') throw new Error(`${isolation} run ended with ${result.outcome}: ${result.stderrTail}`);
  };
}

async function measure(execute: Execution): Promise<{ meanMs: number; medianMs: number; perSecond: number }> {
  await execute();
  const latencies: number[] = [];
  for (let index = 0; index < SEQUENTIAL_RUNS; index += 1) {
    const started = performance.now();
    await execute();
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);

  const limit = pLimit(CONCURRENCY);
  const started = performance.now();
  await Promise.all(Array.from({ length: PARALLEL_RUNS }, () => limit(execute)));
  const seconds = (performance.now() - started) / 1000;
  return {
    meanMs: latencies.reduce((sum, value) => sum + value, 0) / latencies.length,
    medianMs: latencies[Math.floor(latencies.length / 2)]!,
    perSecond: PARALLEL_RUNS / seconds,
  };
}

export async function run(): Promise<void> {
  const config = SandboxConfig.parse({});
  const availability = await checkSandboxAvailable(config);
  console.log(`${availability.message} ${os.availableParallelism()} CPUs, ${CONCURRENCY} runs at a time.`);

  const rows = [
    { name: 'plain python3', result: await measure(plainRun(config)) },
    { name: 'harness + rlimits (unsafe mode)', result: await measure(sandboxRun(config, 'unsafe')) },
    { name: 'sandboxed (bubblewrap + cgroup)', result: await measure(sandboxRun(config, 'bubblewrap')) },
  ];
  const plainMean = rows[0]!.result.meanMs;
  for (const { name, result } of rows) {
    console.log(
      `${name.padEnd(34)} mean ${result.meanMs.toFixed(1).padStart(6)} ms  median ${result.medianMs.toFixed(1).padStart(6)} ms  ` +
        `${result.perSecond.toFixed(1).padStart(6)} executions/s  overhead x${(result.meanMs / plainMean).toFixed(2)}`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
