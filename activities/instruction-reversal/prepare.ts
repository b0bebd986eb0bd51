// Phase 1 of instruction reversal (sandbox queue): keep the programs that pass their own tests
// and write one generator request per program asking for the instruction behind it.
import type { RejectedRecord } from '../../schemas/document';
import { emptyStats } from '../../schemas/stats';
import type { SandboxRunner } from '../fim/run-tests';
import { parseActivityInput } from '../fim/parse-input';
import { loadPrograms } from '../fim/sources';
import { verifyOriginals } from '../fim/verify';
import { activityLogger } from '../llm/log';
import { JsonlShardWriter } from '../shards/jsonl-writer';
import { storageFor } from '../storage';
import { reversalPaths } from './paths';
import { instructionRequest } from './prompt';
import { PrepareReversalInput, PrepareReversalOutput } from './schema';

const STAGE = 'instruction_reversal';

async function writeLines(uri: string, records: unknown[]): Promise<void> {
  const writer = await JsonlShardWriter.open(uri);
  for (const record of records) await writer.write(record);
  await writer.close();
}

export async function prepareReversal(runner: SandboxRunner, rawInput: PrepareReversalInput): Promise<PrepareReversalOutput> {
  const input = parseActivityInput('prepareReversal', PrepareReversalInput, rawInput);
  const paths = reversalPaths(input.outputUri);
  const storage = await storageFor(paths.prepareSummary);
  if (await storage.stat(paths.prepareSummary)) {
    return PrepareReversalOutput.parse(JSON.parse((await storage.readBytes(paths.prepareSummary)).toString('utf8')));
  }

  const loaded = await loadPrograms(input.inputUri, input.format, STAGE);
  const rejected: RejectedRecord[] = [...loaded.rejected];
  const { verified, outcomes } = await verifyOriginals(runner, { stage: STAGE, inputUri: input.inputUri, limits: input.settings.limits }, loaded.records, rejected);

  const stats = emptyStats();
  stats.total = loaded.records.length + loaded.rejected.length;
  for (const record of rejected) {
    stats.dropped += 1;
    stats.droppedByReason[String(record.reason)] = (stats.droppedByReason[String(record.reason)] ?? 0) + 1;
  }
  stats.kept = verified.length;
  await writeLines(paths.programs, verified.map(({ record }) => record));
  await writeLines(paths.instructionRequests, verified.map(({ record }) => instructionRequest(record)));
  await writeLines(paths.prepareRejected, rejected);

  const output: PrepareReversalOutput = { programsUri: paths.programs, requestsUri: paths.instructionRequests, programs: verified.length, stats, originalOutcomes: outcomes };
  // Written last: it marks the phase as complete for a retry.
  await storage.write(paths.prepareSummary, JSON.stringify(output));
  activityLogger().info('Prepared instruction reversal', { inputUri: input.inputUri, programs: verified.length, droppedByReason: stats.droppedByReason });
  return output;
}
