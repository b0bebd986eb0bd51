// Phase 3 of instruction reversal (sandbox queue): run the original's tests against the code
// regenerated from the instruction alone. Fidelity is the share of test cases that pass; pairs of
// (instruction, original code) at or above the configured fidelity are kept. Textual similarity
// between regenerated and original code is recorded as a secondary signal only.
import type { Document, RejectedRecord } from '../../schemas/document';
import { LlmResult } from '../../schemas/llm';
import { emptyStats, type StageStats } from '../../schemas/stats';
import { parseActivityInput } from '../fim/parse-input';
import { readPrepareSummary } from '../fim/grade';
import { mapSandboxed, runRecordTests, type SandboxRunner } from '../fim/run-tests';
import { CodeWithTests } from '../fim/schema';
import { tokenSimilarity } from '../fim/similarity';
import { manifestUsage } from '../fim/usage';
import { stripCodeFence } from '../fim/spans';
import { activityLogger, heartbeat } from '../llm/log';
import { codeVersion } from '../manifest/code-version';
import { hashConfig, sha256OfUri } from '../manifest/hash';
import { writeManifest } from '../manifest/store';
import { emptyOutcomeCounts, type SandboxResult } from '../sandbox/schema';
import { readJsonlRecords } from '../shards/jsonl-reader';
import { JsonlShardWriter } from '../shards/jsonl-writer';
import { storageFor } from '../storage';
import { reversalPaths } from './paths';
import { GradeReversalInput, GradeReversalOutput, InstructionReply, RegeneratedCode, type ReversalSettings } from './schema';

const STAGE = 'instruction_reversal';

/** Share of the original's test cases the regenerated code passes; 0 when it errs or hits a limit. */
export function fidelityOf(result: SandboxResult): number {
  if (result.outcome !== 'passed' && result.outcome !== 'failed') return 0;
  if (result.casesTotal === undefined || result.casesTotal === 0) return result.outcome === 'passed' ? 1 : 0;
  return (result.casesPassed ?? 0) / result.casesTotal;
}

interface Judged {
  record: CodeWithTests;
  instruction?: LlmResult;
  regenerated?: LlmResult;
  code?: string;
  result?: SandboxResult;
  fidelity?: number;
  similarity?: number;
}

async function readResults(uri: string): Promise<Map<string, LlmResult>> {
  const results = new Map<string, LlmResult>();
  for await (const line of readJsonlRecords(uri)) {
    const result = LlmResult.parse(line);
    results.set(result.id, result);
  }
  return results;
}

function pairDocument(entry: Judged, instruction: string, inputUri: string, recordIndex: number): Document {
  const { record } = entry;
  return {
    id: `reversal-${record.id}`,
    text: `${instruction}\n\n\`\`\`${record.language}\n${record.code}\n\`\`\``,
    source: 'synthetic-instruction-reversal',
    metadata: {
      inputUri,
      recordIndex,
      sourceId: record.id,
      sourceDataset: record.source,
      // Pairs made from benchmark problems (HumanEval) must never be published as training data.
      benchmarkDerived: record.benchmarkDerived,
      instruction,
      code: record.code,
      regeneratedCode: entry.code,
      fidelity: entry.fidelity,
      similarity: entry.similarity,
      sandboxOutcome: entry.result?.outcome,
      model: entry.regenerated?.model,
    },
  };
}

function dropReason(entry: Judged): { reason: string; detail: string } {
  if (!entry.instruction) return { reason: 'llm_result_missing', detail: 'no instruction result with this id' };
  if (entry.instruction.status !== 'ok') return { reason: entry.instruction.status, detail: `instruction: ${entry.instruction.error ?? ''}` };
  if (!entry.regenerated) return { reason: 'llm_result_missing', detail: 'no regenerated-code result with this id' };
  if (entry.regenerated.status !== 'ok' || !entry.result) return { reason: entry.regenerated.status === 'ok' ? 'llm_parse_failed' : entry.regenerated.status, detail: `regeneration: ${entry.regenerated.error ?? ''}` };
  return { reason: 'low_fidelity', detail: `fidelity ${entry.fidelity?.toFixed(3)}: the regenerated code ended with ${entry.result.outcome} (${entry.result.failingTest ?? entry.result.message ?? ''})` };
}

async function judgeAll(runner: SandboxRunner, records: CodeWithTests[], instructions: Map<string, LlmResult>, regenerated: Map<string, LlmResult>, settings: ReversalSettings): Promise<Judged[]> {
  let done = 0;
  return mapSandboxed(runner, records, async (record): Promise<Judged> => {
    const entry: Judged = { record, instruction: instructions.get(record.id), regenerated: regenerated.get(record.id) };
    const reply = entry.regenerated?.status === 'ok' ? RegeneratedCode.safeParse(entry.regenerated.output) : undefined;
    if (!reply?.success) return entry;

    entry.code = stripCodeFence(reply.data.code);
    entry.result = await runRecordTests(runner, record, entry.code, settings.limits);
    entry.fidelity = fidelityOf(entry.result);
    entry.similarity = tokenSimilarity(entry.code, record.code);
    done += 1;
    heartbeat({ phase: 'grade', done });
    return entry;
  });
}

function countDrop(stats: StageStats, reason: string): void {
  stats.dropped += 1;
  stats.droppedByReason[reason] = (stats.droppedByReason[reason] ?? 0) + 1;
}

export async function gradeReversal(runner: SandboxRunner, rawInput: GradeReversalInput): Promise<GradeReversalOutput> {
  const input = parseActivityInput('gradeReversal', GradeReversalInput, rawInput);
  const paths = reversalPaths(input.outputUri);
  const storage = await storageFor(paths.manifest);
  if (await storage.stat(paths.manifest)) {
    return GradeReversalOutput.parse(JSON.parse((await storage.readBytes(paths.manifest)).toString('utf8')).summary);
  }

  const records: CodeWithTests[] = [];
  for await (const line of readJsonlRecords(input.programsUri)) records.push(CodeWithTests.parse(line));
  const instructions = await readResults(input.instructionsUri);
  const judged = await judgeAll(runner, records, instructions, await readResults(input.regeneratedUri), input.settings);

  const stats = emptyStats();
  const outcomes: Record<string, number> = emptyOutcomeCounts();
  const pairs = await JsonlShardWriter.open(paths.pairs);
  const rejected = await JsonlShardWriter.open(paths.rejected);
  for (const [index, entry] of judged.entries()) {
    stats.total += 1;
    if (entry.result) outcomes[entry.result.outcome] = (outcomes[entry.result.outcome] ?? 0) + 1;
    const instruction = entry.instruction?.status === 'ok' ? InstructionReply.safeParse(entry.instruction.output) : undefined;
    if (instruction?.success && entry.fidelity !== undefined && entry.fidelity >= input.settings.minFidelity) {
      stats.kept += 1;
      await pairs.write(pairDocument(entry, instruction.data.instruction, input.programsUri, index));
      continue;
    }
    const { reason, detail } = dropReason(entry);
    countDrop(stats, reason);
    const record: RejectedRecord = {
      id: `reversal-${entry.record.id}`, stage: STAGE, reason, inputUri: input.programsUri, recordIndex: index,
      detail: `${input.programsUri} record ${entry.record.id}: ${detail}`,
      measurements: { fidelity: entry.fidelity, similarity: entry.similarity, outcome: entry.result?.outcome, regeneratedCode: entry.code },
    };
    await rejected.write(record);
  }
  const pairsFile = await pairs.close();
  const rejectedFile = await rejected.close();

  const summary: GradeReversalOutput = { pairsUri: paths.pairs, rejectedUri: paths.rejected, manifestUri: paths.manifest, stats, outcomes };
  const inputs = [];
  for (const uri of [input.programsUri, input.instructionsUri, input.regeneratedUri]) inputs.push({ uri, ...(await sha256OfUri(uri)) });
  await writeManifest(paths.manifest, {
    kind: 'shard', stage: STAGE, shardIndex: 0, configHash: hashConfig(input.settings), codeVersion: codeVersion(), inputs,
    outputs: { documents: pairsFile, rejected: rejectedFile },
    stats,
    llmUsage: manifestUsage(judged.flatMap((entry) => [entry.instruction, entry.regenerated])),
    createdAt: new Date().toISOString(),
    prepare: await readPrepareSummary(paths.prepareSummary),
    // Set when any pair came from a benchmark: such output is for testing this stage only.
    benchmarkDerived: records.some((record) => record.benchmarkDerived),
    summary,
  });
  activityLogger().info('Graded instruction reversal', { kept: stats.kept, droppedByReason: stats.droppedByReason, outcomes });
  return summary;
}
