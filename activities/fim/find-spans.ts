// Runs select_spans.py in the sandbox over a batch of programs. Parsing untrusted code can
// exhaust the stack or memory, so it never runs in the worker itself.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { SandboxConfig } from '../sandbox/config';
import { runInSandbox } from '../sandbox/run';
import { CandidateSpan } from './schema';

const spanFinderSource = readFileSync(new URL('./select_spans.py', import.meta.url), 'utf8');
const BATCH_SIZE = 50;
const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

const SpanFinderOutput = z.record(z.string(), z.union([z.object({ spans: z.array(CandidateSpan) }), z.object({ error: z.string() })]));
export type SpanFinderResult = { spans: CandidateSpan[] } | { error: string };
export type SpansById = Map<string, SpanFinderResult>;

async function findBatch(config: SandboxConfig, isolation: 'bubblewrap' | 'unsafe', programs: Array<{ id: string; code: string }>): Promise<SpansById> {
  const result = await runInSandbox(
    config,
    {
      language: 'python',
      program: spanFinderSource,
      testStyle: 'script',
      files: { 'input.json': JSON.stringify(programs) },
      limits: { outputBytes: MAX_OUTPUT_BYTES, wallClockMs: 60_000, cpuSeconds: 30 },
      maxStdoutBytes: MAX_OUTPUT_BYTES,
    },
    isolation,
  );
  const found: SpansById = new Map();
  if (result.outcome !== 'passed') {
    // One program can crash the parser for the whole batch, so a failed batch is retried one by one.
    if (programs.length === 1) found.set(programs[0]!.id, { error: `span finder ended with ${result.outcome}: ${result.message ?? ''}` });
    else for (const program of programs) for (const [id, spans] of await findBatch(config, isolation, [program])) found.set(id, spans);
    return found;
  }
  for (const [id, spans] of Object.entries(SpanFinderOutput.parse(JSON.parse(result.stdout)))) found.set(id, spans);
  return found;
}

/** Candidate spans of each program, or the parse error that prevented finding them. */
export async function findCandidateSpans(config: SandboxConfig, isolation: 'bubblewrap' | 'unsafe', programs: Array<{ id: string; code: string }>): Promise<SpansById> {
  const found: SpansById = new Map();
  for (let start = 0; start < programs.length; start += BATCH_SIZE) {
    for (const [id, spans] of await findBatch(config, isolation, programs.slice(start, start + BATCH_SIZE))) found.set(id, spans);
  }
  return found;
}
