// Phase 3 of the FIM stage (sandbox queue): put each model guess in place of its deleted span,
// run the program's tests, grade the guess and keep the exercises whose guess passes.
//
// Grades: pass = every test case passes; partial = the program runs and some but not all cases
// pass; fail = no case passes, or the run ends in an error or a limit. Textual similarity to the
// deleted span is recorded beside the grade.
import type { Document, RejectedRecord } from '../../schemas/document';
import { LlmResult } from '../../schemas/llm';
import { emptyStats } from '../../schemas/stats';
import { activityLogger, heartbeat } from '../llm/log';
import { codeVersion } from '../manifest/code-version';
import { hashConfig, sha256OfUri } from '../manifest/hash';
import { writeManifest } from '../manifest/store';
import { emptyOutcomeCounts, type SandboxResult } from '../sandbox/schema';
import { readJsonlRecords } from '../shards/jsonl-reader';
import { JsonlShardWriter } from '../shards/jsonl-writer';
import { storageFor } from '../storage';
import { parseActivityInput } from './parse-input';
import { fimPaths } from './paths';
import { manifestUsage } from './usage';
import { fimPrompt } from './prompt';
import { mapSandboxed, runRecordTests, type SandboxRunner } from './run-tests';
import { FimCandidate, FimGuess, GradeFimInput, GradeFimOutput, type FimGrade, type FimSettings } from './schema';
import { tokenSimilarity } from './similarity';
import { fillGuess, stripCodeFence } from './spans';

const STAGE = 'fim';

/** Reads the prepare phase's summary, when it wrote to the same folder, for the stage manifest. */
export async function readPrepareSummary(uri: string): Promise<unknown> {
  const storage = await storageFor(uri);
  if (!(await storage.stat(uri))) return undefined;
  return JSON.parse((await storage.readBytes(uri)).toString('utf8')) as unknown;
}

export function gradeOf(result: SandboxResult): FimGrade {
  if (result.outcome === 'passed') return 'pass';
  return result.outcome === 'failed' && (result.casesPassed ?? 0) > 0 ? 'partial' : 'fail';
}

interface Graded {
  candidate: FimCandidate;
  llm?: LlmResult;
  guess?: FimGuess;
  result?: SandboxResult;
  grade?: FimGrade;
  similarity?: number;
}

async function readCandidates(uri: string): Promise<FimCandidate[]> {
  const candidates: FimCandidate[] = [];
  for await (const line of readJsonlRecords(uri)) candidates.push(FimCandidate.parse(line));
  return candidates;
}

async function readResults(uri: string): Promise<Map<string, LlmResult>> {
  const results = new Map<string, LlmResult>();
  for await (const line of readJsonlRecords(uri)) {
    const result = LlmResult.parse(line);
    results.set(result.id, result);
  }
  return results;
}

function exerciseDocument(entry: Required<Graded>, inputUri: string, recordIndex: number): Document {
  const { candidate, guess } = entry;
  const answer = `Background: ${guess.background}\n\nReasoning: ${guess.reasoning}\n\nFinal guess:\n${stripCodeFence(guess.guess)}`;
  return {
    id: `fim-${candidate.id}`,
    text: `${fimPrompt(candidate)}\n\n${answer}`,
    source: 'synthetic-fim',
    metadata: {
      inputUri,
      recordIndex,
      sourceId: candidate.record.id,
      sourceDataset: candidate.record.source,
      // Exercises made from benchmark problems (HumanEval) must never be published as training data.
      benchmarkDerived: candidate.record.benchmarkDerived,
      span: candidate.span,
      excerpt: candidate.excerpt,
      solution: candidate.removed,
      background: guess.background,
      reasoning: guess.reasoning,
      guess: guess.guess,
      grade: entry.grade,
      similarity: entry.similarity,
      sandboxOutcome: entry.result.outcome,
      model: entry.llm.model,
      usage: entry.llm.usage,
    },
  };
}

function rejectedRecord(entry: Graded, inputUri: string, recordIndex: number): RejectedRecord {
  const { candidate, llm, result } = entry;
  const base = { id: `fim-${candidate.id}`, stage: STAGE, inputUri, recordIndex };
  if (!llm) return { ...base, reason: 'llm_result_missing', detail: `${inputUri} candidate ${candidate.id}: no model result with this id` };
  if (llm.status !== 'ok' || !entry.guess) {
    return { ...base, reason: llm.status === 'ok' ? 'llm_parse_failed' : llm.status, detail: `${inputUri} candidate ${candidate.id}: ${llm.error ?? 'no guess'}`, raw: llm.raw?.slice(0, 64 * 1024) };
  }
  return {
    ...base,
    reason: `fim_guess_${entry.grade}`,
    detail: `${inputUri} candidate ${candidate.id}: the guess ended with ${result?.outcome} (${result?.failingTest ?? result?.message ?? ''})`,
    measurements: { grade: entry.grade, similarity: entry.similarity, outcome: result?.outcome, guess: entry.guess.guess, solution: candidate.removed },
  };
}

// NOTE: a retried activity runs every guess again; only a finished manifest is reused. Heartbeats
// report progress but are not read back on retry.
async function gradeAll(runner: SandboxRunner, candidates: FimCandidate[], results: Map<string, LlmResult>, settings: FimSettings): Promise<Graded[]> {
  let done = 0;
  return mapSandboxed(runner, candidates, async (candidate): Promise<Graded> => {
    const llm = results.get(candidate.id);
    const parsed = llm?.status === 'ok' ? FimGuess.safeParse(llm.output) : undefined;
    if (!parsed?.success) return { candidate, llm };

    const guess = parsed.data;
    const code = fillGuess(candidate.excerpt, candidate.indent, guess.guess);
    const result = await runRecordTests(runner, candidate.record, code, settings.limits);
    done += 1;
    heartbeat({ phase: 'grade', done });
    return { candidate, llm, guess, result, grade: gradeOf(result), similarity: tokenSimilarity(stripCodeFence(guess.guess), candidate.removed) };
  });
}

export async function gradeFimExercises(runner: SandboxRunner, rawInput: GradeFimInput): Promise<GradeFimOutput> {
  const input = parseActivityInput('gradeFimExercises', GradeFimInput, rawInput);
  const paths = fimPaths(input.outputUri);
  const storage = await storageFor(paths.manifest);
  if (await storage.stat(paths.manifest)) {
    return GradeFimOutput.parse(JSON.parse((await storage.readBytes(paths.manifest)).toString('utf8')).summary);
  }

  const candidates = await readCandidates(input.candidatesUri);
  const graded = await gradeAll(runner, candidates, await readResults(input.resultsUri), input.settings);

  const stats = emptyStats();
  const outcomes: Record<string, number> = emptyOutcomeCounts();
  const grades: Record<FimGrade, number> = { pass: 0, partial: 0, fail: 0 };
  const exercises = await JsonlShardWriter.open(paths.exercises);
  const rejected = await JsonlShardWriter.open(paths.rejected);
  for (const [index, entry] of graded.entries()) {
    stats.total += 1;
    if (entry.result) outcomes[entry.result.outcome] = (outcomes[entry.result.outcome] ?? 0) + 1;
    if (entry.grade) grades[entry.grade] += 1;
    if (entry.grade === 'pass') {
      stats.kept += 1;
      await exercises.write(exerciseDocument(entry as Required<Graded>, input.candidatesUri, index));
      continue;
    }
    const record = rejectedRecord(entry, input.candidatesUri, index);
    stats.dropped += 1;
    stats.droppedByReason[String(record.reason)] = (stats.droppedByReason[String(record.reason)] ?? 0) + 1;
    await rejected.write(record);
  }
  const documentsFile = await exercises.close();
  const rejectedFile = await rejected.close();

  const summary: GradeFimOutput = { exercisesUri: paths.exercises, rejectedUri: paths.rejected, manifestUri: paths.manifest, stats, outcomes, grades };
  const inputs = [];
  for (const uri of [input.candidatesUri, input.resultsUri]) inputs.push({ uri, ...(await sha256OfUri(uri)) });
  await writeManifest(paths.manifest, {
    kind: 'shard',
    stage: STAGE,
    shardIndex: 0,
    configHash: hashConfig(input.settings),
    codeVersion: codeVersion(),
    inputs,
    outputs: { documents: documentsFile, rejected: rejectedFile },
    llmUsage: manifestUsage(graded.map((entry) => entry.llm)),
    stats,
    createdAt: new Date().toISOString(),
    prepare: await readPrepareSummary(paths.prepareSummary),
    // Set when any exercise came from a benchmark: such output is for testing this stage only.
    benchmarkDerived: graded.some((entry) => entry.candidate.record.benchmarkDerived),
    summary,
  });
  activityLogger().info('Graded FIM guesses', { kept: stats.kept, grades, outcomes });
  return summary;
}
