// The `tokenizeShard` activity: reads one gzip JSON Lines shard and writes Megatron indexed
// datasets (`.bin`/`.idx`) with cl100k ids, optional JSON Lines and Parquet text exports,
// rejected/ records and, last, the shard's manifest. Documents end with `<|endoftext|>`. SFT
// records become chatml ids plus a loss-mask dataset. Preference pairs become three datasets
// (prompt, chosen, rejected) whose sequence i belongs to pair i.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { ApplicationFailure } from '@temporalio/common';
import { Document, type RejectedRecord } from '../../schemas/document';
import { emptyStats, type StageStats } from '../../schemas/stats';
import {
  PreferencePair,
  SftRecord,
  TokenizeShardInput,
  TokenizeShardOutput,
  TokenShardManifest,
  type RecordFormat,
  type TokenDataset,
} from '../../schemas/tokenize';
import { codeVersion } from '../manifest/code-version';
import { hashConfig, sha256OfUri } from '../manifest/hash';
import { inputsUnchanged, readManifest, writeManifest } from '../manifest/store';
import { readJsonlLines } from '../shards/jsonl-reader';
import { JsonlShardWriter } from '../shards/jsonl-writer';
import { shardName } from '../shards/paths';
import { joinUri, storageFor } from '../storage';
import { renderChat, renderPreference } from './chat';
import { cl100k } from './cl100k';
import { activityLog, heartbeat } from './context';
import { IndexedDatasetWriter } from './indexed-dataset';
import { TokenBuffer } from './piece-cache';
import { ParquetTextWriter } from './text-export';
import { END_OF_DOCUMENT_ID, PADDED_VOCAB_SIZE, tokenDtypeFor } from './vocabulary';

export const STAGE = 'tokenize';
const MAX_RAW_KEPT = 64 * 1024;

type Role = TokenDataset['role'];
const ROLES_BY_FORMAT: Record<RecordFormat, Role[]> = {
  document: ['tokens'],
  sft: ['tokens', 'loss_mask'],
  preference: ['prompt', 'chosen', 'rejected'],
};

export function tokenShardPaths(outputUri: string, dataset: string, shardIndex: number) {
  const folder = joinUri(outputUri, STAGE, dataset);
  const name = shardName(shardIndex);
  return {
    prefix: (role: Role) => joinUri(folder, role === 'tokens' ? name : `${name}-${role.replace('_', '-')}`),
    manifest: joinUri(folder, `${name}.manifest.json`),
    rejected: joinUri(folder, 'rejected', `${name}.jsonl.gz`),
    jsonl: joinUri(outputUri, 'export', dataset, `${name}.jsonl.gz`),
    parquet: joinUri(outputUri, 'export', dataset, `${name}.parquet`),
  };
}

export async function tokenizeShard(rawInput: TokenizeShardInput): Promise<TokenizeShardOutput> {
  const params = TokenizeShardInput.parse(rawInput);
  const paths = tokenShardPaths(params.outputUri, params.dataset, params.shardIndex);
  const configHash = hashConfig({ tokenizer: 'cl100k_base', vocabSize: PADDED_VOCAB_SIZE, format: params.format, exports: params.exports });

  const inputStorage = await storageFor(params.inputUri);
  const inputInfo = await inputStorage.stat(params.inputUri);
  if (!inputInfo) {
    throw ApplicationFailure.nonRetryable(`Input shard ${params.inputUri} was not found`, 'input_not_found');
  }
  const existing = await readManifest(paths.manifest, TokenShardManifest);
  if (existing && existing.configHash === configHash && (await inputsUnchanged(existing.inputs, [inputInfo]))) {
    activityLog().info('Token shard manifest matches; skipping tokenization', { manifest: paths.manifest });
    return summarize(paths.manifest, true, existing);
  }

  const sinks = await openSinks(params, paths);
  const stats = emptyStats();
  const rejected = await JsonlShardWriter.open(paths.rejected);
  const encoder = cl100k();
  // NOTE: a retry restarts the shard from its first record, so the work is redone. Outputs
  // become visible only when complete, so a crash leaves nothing partial behind.
  try {
    for await (const line of readJsonlLines(params.inputUri)) {
      stats.total += 1;
      const problem = await tokenizeLine(line.text, params.format, encoder, sinks);
      if (problem) {
        await reject(problem, line, params, stats, rejected);
      } else {
        stats.kept += 1;
      }
      if (stats.total % 256 === 0) {
        heartbeat({ shard: params.shardIndex, recordsRead: stats.total });
        await yieldToEventLoop();
      }
    }
  } catch (error) {
    await abortSinks(sinks, error as Error);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') {
      throw ApplicationFailure.nonRetryable(
        `Input shard ${params.inputUri} is not valid gzip after ${stats.total} records: ${(error as Error).message}`,
        'invalid_input_shard',
      );
    }
    throw error;
  }

  const datasets: TokenDataset[] = [];
  for (const [role, writer] of sinks.datasets) {
    const result = await writer.close();
    datasets.push({
      prefix: writer.prefixUri,
      role,
      dtype: writer.dtype,
      bin: { uri: result.bin.uri, bytes: result.bin.bytes, sha256: result.bin.sha256 },
      idx: { uri: result.idx.uri, bytes: result.idx.bytes, sha256: result.idx.sha256 },
      sequences: result.documents,
      tokens: result.tokens,
    });
  }
  const exports: TokenShardManifest['exports'] = [];
  if (sinks.jsonl) exports.push({ format: 'jsonl', ...pickDigest(await sinks.jsonl.close()), records: stats.kept });
  if (sinks.parquet) exports.push({ format: 'parquet', ...pickDigest(await sinks.parquet.close()), records: stats.kept });
  const rejectedResult = await rejected.close();
  const input = await sha256OfUri(params.inputUri);

  const manifest: TokenShardManifest = {
    kind: 'token-shard',
    stage: STAGE,
    dataset: params.dataset,
    shardIndex: params.shardIndex,
    format: params.format,
    tokenizer: { name: 'cl100k_base', vocabSize: PADDED_VOCAB_SIZE },
    configHash,
    codeVersion: codeVersion(),
    inputs: [{ uri: params.inputUri, bytes: input.bytes, sha256: input.sha256 }],
    datasets,
    exports,
    rejected: { ...pickDigest(rejectedResult), records: stats.dropped },
    stats,
    createdAt: new Date().toISOString(),
  };
  await writeManifest(paths.manifest, manifest);
  activityLog().info('Shard tokenized', { manifest: paths.manifest, kept: stats.kept, dropped: stats.dropped, tokens: datasets[0]?.tokens });
  return summarize(paths.manifest, false, manifest);
}

interface Sinks {
  datasets: Map<Role, IndexedDatasetWriter>;
  /** Reused for every document of the shard so that encoding allocates nothing per document. */
  buffer: TokenBuffer;
  jsonl?: JsonlShardWriter;
  parquet?: ParquetTextWriter;
}

async function openSinks(params: ReturnType<typeof TokenizeShardInput.parse>, paths: ReturnType<typeof tokenShardPaths>): Promise<Sinks> {
  const datasets = new Map<Role, IndexedDatasetWriter>();
  for (const role of ROLES_BY_FORMAT[params.format]) {
    // A loss mask holds only 0 and 1, so it takes the small dtype whatever the vocabulary.
    const vocabSize = role === 'loss_mask' ? 2 : PADDED_VOCAB_SIZE;
    datasets.set(role, await IndexedDatasetWriter.open(paths.prefix(role), tokenDtypeFor(vocabSize), vocabSize));
  }
  const exportsText = params.format === 'document';
  return {
    datasets,
    buffer: new TokenBuffer(),
    jsonl: exportsText && params.exports.jsonl ? await JsonlShardWriter.open(paths.jsonl) : undefined,
    parquet: exportsText && params.exports.parquet ? await ParquetTextWriter.open(paths.parquet) : undefined,
  };
}

async function abortSinks(sinks: Sinks, reason: Error): Promise<void> {
  for (const writer of sinks.datasets.values()) await writer.abort(reason);
  await sinks.parquet?.abort(reason);
  // NOTE: JsonlShardWriter has no abort, so a failed shard can leave its JSON Lines temp files.
}

interface Problem {
  reason: string;
  detail: string;
  id?: string;
}

/** Tokenizes one JSON line into the sinks; returns why it was rejected, or undefined. */
async function tokenizeLine(text: string, format: RecordFormat, encoder: ReturnType<typeof cl100k>, sinks: Sinks): Promise<Problem | undefined> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { reason: 'invalid_json', detail: `not valid JSON: ${(error as Error).message}` };
  }
  const write = (role: Role, ids: number[]) => sinks.datasets.get(role)!.addDocument(ids);

  if (format === 'document') {
    const parsed = Document.safeParse(value);
    if (!parsed.success) return documentProblem(value, parsed.error.issues[0]);
    const document = parsed.data;
    sinks.buffer.clear();
    encoder.encodeInto(document.text, sinks.buffer);
    sinks.buffer.push(END_OF_DOCUMENT_ID);
    await sinks.datasets.get('tokens')!.addDocument(sinks.buffer.view());
    await sinks.jsonl?.write(document);
    await sinks.parquet?.write(document);
    return undefined;
  }

  if (format === 'sft') {
    const parsed = SftRecord.safeParse(value);
    if (!parsed.success) return schemaProblem('invalid_chat_record', value, parsed.error.issues[0]);
    const chat = renderChat(encoder, parsed.data.messages);
    await write('tokens', chat.ids);
    await write('loss_mask', chat.lossMask);
    return undefined;
  }

  const parsed = PreferencePair.safeParse(value);
  if (!parsed.success) return schemaProblem('invalid_preference_pair', value, parsed.error.issues[0]);
  const pair = renderPreference(encoder, parsed.data);
  await write('prompt', pair.prompt);
  await write('chosen', pair.chosen);
  await write('rejected', pair.rejected);
  return undefined;
}

type Issue = { path: PropertyKey[]; message: string } | undefined;

function recordId(value: unknown): string | undefined {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : undefined;
}

function documentProblem(value: unknown, issue: Issue): Problem {
  const text = (value as { text?: unknown } | null)?.text;
  if (text === undefined) return { reason: 'missing_text_field', detail: 'field "text" is missing', id: recordId(value) };
  if (typeof text !== 'string') return { reason: 'invalid_text_field', detail: `field "text" is ${typeof text}, expected a string`, id: recordId(value) };
  return schemaProblem('invalid_document', value, issue);
}

function schemaProblem(reason: string, value: unknown, issue: Issue): Problem {
  const field = issue?.path.map(String).join('.') || '(record)';
  return { reason, detail: `field "${field}" is invalid: ${issue?.message ?? 'unknown schema error'}`, id: recordId(value) };
}

async function reject(
  problem: Problem,
  line: { lineNumber: number; byteOffset: number; text: string },
  params: ReturnType<typeof TokenizeShardInput.parse>,
  stats: StageStats,
  rejected: JsonlShardWriter,
): Promise<void> {
  stats.dropped += 1;
  if ((stats.droppedByReason[problem.reason] ?? 0) === 0) {
    activityLog().warn('Rejected a record', { reason: problem.reason, input: params.inputUri, line: line.lineNumber });
  }
  stats.droppedByReason[problem.reason] = (stats.droppedByReason[problem.reason] ?? 0) + 1;
  const record: RejectedRecord = {
    id: problem.id ?? `${shardName(params.shardIndex)}:${line.lineNumber}`,
    stage: STAGE,
    reason: problem.reason,
    detail: `${params.inputUri} line ${line.lineNumber}: ${problem.detail}`,
    inputUri: params.inputUri,
    recordIndex: line.lineNumber - 1,
    byteOffset: line.byteOffset,
    byteLength: Buffer.byteLength(line.text),
    raw: line.text.length <= MAX_RAW_KEPT ? line.text : undefined,
  };
  await rejected.write(record);
}

function pickDigest(result: { uri: string; bytes: number; sha256: string }) {
  return { uri: result.uri, bytes: result.bytes, sha256: result.sha256 };
}

function summarize(manifestUri: string, reused: boolean, manifest: TokenShardManifest): TokenizeShardOutput {
  return TokenizeShardOutput.parse({
    manifestUri,
    reused,
    dataset: manifest.dataset,
    datasets: manifest.datasets.map(({ prefix, role, sequences, tokens }) => ({ prefix, role, sequences, tokens })),
    stats: manifest.stats,
  });
}
