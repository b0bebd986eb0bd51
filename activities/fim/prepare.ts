// Phase 1 of the FIM stage (sandbox queue): verify each original program against its tests,
// find statement-boundary spans with Python's `ast` in the sandbox, cut the chosen spans out,
// and write the candidates plus one generator request per candidate.
import type { z } from 'zod';
import type { RejectedRecord } from '../../schemas/document';
import { emptyStats, type StageStats } from '../../schemas/stats';
import { activityLogger, heartbeat } from '../llm/log';
import { JsonlShardWriter } from '../shards/jsonl-writer';
import { storageFor } from '../storage';
import { findCandidateSpans, type SpanFinderResult } from './find-spans';
import { parseActivityInput } from './parse-input';
import { fimPaths } from './paths';
import { fimRequest } from './prompt';
import { mapSandboxed, runRecordTests, type SandboxRunner } from './run-tests';
import { verifyOriginals } from './verify';
import { PrepareFimInput, PrepareFimOutput, type CodeWithTests, type FimCandidate } from './schema';
import { loadPrograms } from './sources';
import { cutSpan, fillGuess, orderSpans, spansOverlap } from './spans';

const STAGE = 'fim';

function countDrop(stats: StageStats, reason: string): void {
  stats.dropped += 1;
  stats.droppedByReason[reason] = (stats.droppedByReason[reason] ?? 0) + 1;
}

async function writeLines(uri: string, records: unknown[]): Promise<void> {
  const writer = await JsonlShardWriter.open(uri);
  for (const record of records) await writer.write(record);
  await writer.close();
}

// Replaces a span in the coverage check. Any exception fails the tests if they run the span.
const COVERAGE_PROBE = 'raise RuntimeError("deleted span")';
const MAX_SPANS_TRIED = 6;

/**
 * Picks up to `spansPerProgram` non-overlapping spans that the tests execute: a span whose
 * replacement by a raise still passes is dead code for the tests, so no guess could be judged.
 */
async function pickSpans(
  runner: SandboxRunner,
  input: z.output<typeof PrepareFimInput>,
  { record, recordIndex }: { record: CodeWithTests; recordIndex: number },
  found: SpanFinderResult | undefined,
): Promise<{ candidates: FimCandidate[] } | { rejected: RejectedRecord }> {
  const where = `${input.inputUri} record ${record.id}`;
  const base = { id: record.id, stage: STAGE, inputUri: input.inputUri, recordIndex };
  if (!found || 'error' in found) {
    return { rejected: { ...base, reason: 'span_parse_failed', detail: `${where}: ${found && 'error' in found ? found.error : 'no span finder output'}` } };
  }

  const { settings } = input;
  const ordered = orderSpans(record.code, found.spans, { maxLines: settings.maxSpanLines, seed: settings.seed, recordId: record.id });
  const candidates: FimCandidate[] = [];
  let untested = 0;
  for (const span of ordered.slice(0, MAX_SPANS_TRIED)) {
    if (candidates.length >= settings.spansPerProgram) break;
    if (candidates.some((other) => spansOverlap(other.span, span))) continue;
    const cut = cutSpan(record.code, span);
    const probe = await runRecordTests(runner, record, fillGuess(cut.excerpt, cut.indent, COVERAGE_PROBE), settings.limits);
    heartbeat({ phase: 'pick_spans', recordId: record.id });
    if (probe.outcome === 'passed') {
      untested += 1;
      continue;
    }
    candidates.push({ id: `${record.id}#L${span.startLine}-${span.endLine}`, record, span, ...cut });
  }
  if (candidates.length > 0) return { candidates };

  const detail = ordered.length === 0
    ? `${where}: none of ${found.spans.length} statement spans has at most ${settings.maxSpanLines} lines and more than a trivial statement`
    : `${where}: the tests still pass with each of the ${untested} tried spans deleted`;
  return { rejected: { ...base, reason: ordered.length === 0 ? 'no_usable_span' : 'span_not_tested', detail } };
}

export async function prepareFimExercises(runner: SandboxRunner, rawInput: PrepareFimInput): Promise<PrepareFimOutput> {
  const input = parseActivityInput('prepareFimExercises', PrepareFimInput, rawInput);
  const paths = fimPaths(input.outputUri);
  const storage = await storageFor(paths.prepareSummary);
  if (await storage.stat(paths.prepareSummary)) {
    return PrepareFimOutput.parse(JSON.parse((await storage.readBytes(paths.prepareSummary)).toString('utf8')));
  }

  const loaded = await loadPrograms(input.inputUri, input.format, STAGE);
  const rejected: RejectedRecord[] = [...loaded.rejected];
  const { verified, outcomes } = await verifyOriginals(runner, { stage: STAGE, inputUri: input.inputUri, limits: input.settings.limits }, loaded.records, rejected);
  const spansById = await findCandidateSpans(runner.config, runner.isolation, verified.map(({ record }) => ({ id: record.id, code: record.code })));

  const picked = await mapSandboxed(runner, verified, (entry) => pickSpans(runner, input, entry, spansById.get(entry.record.id)));
  const candidates: FimCandidate[] = [];
  for (const result of picked) {
    if ('rejected' in result) rejected.push(result.rejected);
    else candidates.push(...result.candidates);
  }

  const stats = emptyStats();
  stats.total = loaded.records.length + loaded.rejected.length;
  for (const record of rejected) countDrop(stats, String(record.reason));
  stats.kept = stats.total - stats.dropped;
  await writeLines(paths.candidates, candidates);
  await writeLines(paths.requests, candidates.map(fimRequest));
  await writeLines(paths.prepareRejected, rejected);

  const output: PrepareFimOutput = { candidatesUri: paths.candidates, requestsUri: paths.requests, candidates: candidates.length, stats, originalOutcomes: outcomes };
  // Written last: it marks the phase as complete for a retry.
  await storage.write(paths.prepareSummary, JSON.stringify(output));
  activityLogger().info('Prepared FIM candidates', { inputUri: input.inputUri, candidates: candidates.length, droppedByReason: stats.droppedByReason });
  return output;
}
