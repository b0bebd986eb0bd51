// Batch mode: the requests of a round become a Batch API input file, one line per request with
// the same body online mode would send. Collected replies go into the response cache under the
// online cache key, so the online pass that follows writes the same records as online mode
// without paying again, and repairs replies that fail their schema.
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { toFile } from 'openai';
import { BatchStatus, BatchStatusInput, CollectBatchInput, CollectedBatch, emptyUsage, addUsage, SubmitBatchInput, SubmittedBatch } from '../../schemas/llm';
import type { LlmConfig, LlmRequest } from '../../schemas/llm';
import { joinUri, storageFor } from '../storage';
import { readCachedReply, writeCachedReply } from './cache';
import { chatRequest, firstReplyRequest } from './call';
import { clientFor, endpointFor } from './endpoint';
import { toCallFailure } from './errors';
import { readRequests } from './complete-requests';
import { activityLogger, heartbeat } from './log';
import { costUsd } from './usage';

const chatCompletionsUrl = '/v1/chat/completions';
const finishedStatuses = new Set(['completed', 'failed', 'expired', 'cancelled']);

/** Uploads the round's uncached requests and creates a batch; a retry finds the batch it created. */
export async function submitBatch(rawInput: SubmitBatchInput): Promise<SubmittedBatch> {
  const input = SubmitBatchInput.parse(rawInput);
  const markerUri = joinUri(input.workUri, `round-${input.round}.batch.json`);
  const storage = await storageFor(markerUri);
  if (await storage.stat(markerUri)) return SubmittedBatch.parse(JSON.parse((await storage.readBytes(markerUri)).toString('utf8')));

  const endpoint = endpointFor(input.config, input.role);
  const lines: string[] = [];
  for (const [index, request] of (await readRequests(input.requestsUri)).entries()) {
    if (index % 500 === 0) heartbeat({ requestsRead: index });
    const { body, key } = chatRequest(endpoint, firstReplyRequest(input.config, input.role, request));
    if (await readCachedReply(input.config.cacheUri, key)) continue;
    lines.push(JSON.stringify({ custom_id: request.id, method: 'POST', url: chatCompletionsUrl, body }));
  }
  if (lines.length === 0) return writeMarker(markerUri, { batchId: null, inputFileId: null, lines: 0 });

  const content = lines.join('\n') + '\n';
  const inputUri = joinUri(input.workUri, `round-${input.round}.input.jsonl`);
  await storage.write(inputUri, content);
  const jobKey = createHash('sha256').update(`${input.workUri}\u0000${input.round}\u0000${content}`).digest('hex').slice(0, 32);
  const context = { role: input.role, model: endpoint.model, baseURL: endpoint.baseURL, requestId: `batch round ${input.round} of ${input.workUri}` };
  const client = clientFor(endpoint);

  try {
    const existing = await findBatch(input.config, input.role, jobKey);
    if (existing) return writeMarker(markerUri, { batchId: existing.id, inputFileId: existing.input_file_id, lines: lines.length });

    const file = await client.files.create({ file: await toFile(Buffer.from(content), `round-${input.round}.input.jsonl`), purpose: 'batch' });
    const batch = await client.batches.create({
      input_file_id: file.id,
      endpoint: chatCompletionsUrl,
      completion_window: '24h',
      metadata: { corpusflow_job: jobKey },
    });
    activityLogger().info('Submitted batch', { batchId: batch.id, lines: lines.length, round: input.round });
    return writeMarker(markerUri, { batchId: batch.id, inputFileId: file.id, lines: lines.length });
  } catch (error) {
    if (error instanceof ApplicationFailure) throw error;
    throw toCallFailure(error, { ...context, apiKey: client.apiKey }).failure;
  }
}

export async function getBatchStatus(rawInput: BatchStatusInput): Promise<BatchStatus> {
  const input = BatchStatusInput.parse(rawInput);
  const endpoint = endpointFor(input.config, input.role);
  const client = clientFor(endpoint);
  try {
    const batch = await client.batches.retrieve(input.batchId);
    const counts = batch.request_counts ?? { total: 0, completed: 0, failed: 0 };
    return { batchId: batch.id, status: batch.status, finished: finishedStatuses.has(batch.status), ...counts };
  } catch (error) {
    throw toCallFailure(error, { role: input.role, model: endpoint.model, baseURL: endpoint.baseURL, requestId: `batch ${input.batchId}`, apiKey: client.apiKey }).failure;
  }
}

/**
 * Caches every successful output line and writes the requests that failed (error file lines,
 * non-200 lines, lines missing from an expired or failed batch) as the next round's requests.
 */
export async function collectBatchResults(rawInput: CollectBatchInput): Promise<CollectedBatch> {
  const input = CollectBatchInput.parse(rawInput);
  const endpoint = endpointFor(input.config, input.role);
  const context = { role: input.role, model: endpoint.model, baseURL: endpoint.baseURL, requestId: `batch ${input.batchId}` };
  const client = clientFor(endpoint);
  const requests = new Map((await readRequests(input.requestsUri)).map((request) => [request.id, request]));

  let outputText = '';
  try {
    const batch = await client.batches.retrieve(input.batchId);
    if (batch.output_file_id) outputText = await (await client.files.content(batch.output_file_id)).text();
  } catch (error) {
    throw toCallFailure(error, { ...context, apiKey: client.apiKey }).failure;
  }

  const usage = emptyUsage();
  const succeeded = new Set<string>();
  for (const line of outputText.split('\n')) {
    if (line.trim() === '') continue;
    if (succeeded.size % 500 === 0) heartbeat({ linesCollected: succeeded.size });
    const entry = parseOutputLine(line, input.batchId);
    const request = entry && requests.get(entry.customId);
    if (!entry || !request || entry.statusCode !== 200 || !entry.body) continue;
    await cacheBatchReply(input.config, input.role, request, entry.body, usage);
    succeeded.add(request.id);
  }

  const failed = [...requests.values()].filter((request) => !succeeded.has(request.id));
  let failedRequestsUri: string | null = null;
  if (failed.length > 0) {
    failedRequestsUri = joinUri(input.workUri, `round-${input.round + 1}.requests.jsonl`);
    await (await storageFor(failedRequestsUri)).write(failedRequestsUri, failed.map((request) => JSON.stringify(request)).join('\n') + '\n');
    activityLogger().warn('Batch lines failed; they go to the next round', { batchId: input.batchId, failed: failed.length, firstFailedId: failed[0]!.id });
  }
  return { succeeded: succeeded.size, failed: failed.length, failedRequestsUri, usage };
}

interface OutputLine {
  customId: string;
  statusCode: number;
  body?: { model?: string; choices?: Array<{ message?: { content?: string | null }; finish_reason?: string }>; usage?: { prompt_tokens?: number; completion_tokens?: number } };
}

function parseOutputLine(line: string, batchId: string): OutputLine | undefined {
  try {
    const entry = JSON.parse(line) as { custom_id?: string; response?: { status_code?: number; body?: OutputLine['body'] } | null };
    if (typeof entry.custom_id !== 'string') return undefined;
    return { customId: entry.custom_id, statusCode: entry.response?.status_code ?? 0, body: entry.response?.body };
  } catch {
    activityLogger().warn('Skipping an unreadable batch output line; its request goes to the next round', { batchId, line: line.slice(0, 200) });
    return undefined;
  }
}

async function cacheBatchReply(config: LlmConfig, role: SubmitBatchInput['role'], request: LlmRequest, body: NonNullable<OutputLine['body']>, usage: ReturnType<typeof emptyUsage>): Promise<void> {
  const endpoint = endpointFor(config, role);
  const { key } = chatRequest(endpoint, firstReplyRequest(config, role, request));
  const choice = body.choices?.[0];
  const promptTokens = body.usage?.prompt_tokens ?? 0;
  const completionTokens = body.usage?.completion_tokens ?? 0;
  await writeCachedReply(config.cacheUri, {
    key,
    model: endpoint.model,
    content: choice?.message?.content ?? '',
    finishReason: choice?.finish_reason ?? 'stop',
    promptTokens,
    completionTokens,
  });
  const factor = config.prices[endpoint.model]?.batchPriceFactor ?? 1;
  addUsage(usage, { calls: 1, cachedCalls: 0, promptTokens, completionTokens, costUsd: costUsd(config, endpoint.model, promptTokens, completionTokens) * factor });
}

/** Looks for a batch this job created before a crash lost its marker, by the job key in its metadata. */
async function findBatch(config: LlmConfig, role: SubmitBatchInput['role'], jobKey: string): Promise<{ id: string; input_file_id: string } | undefined> {
  const client = clientFor(endpointFor(config, role));
  const page = await client.batches.list({ limit: 100 });
  return page.data.find((batch) => batch.metadata?.corpusflow_job === jobKey && !['failed', 'expired', 'cancelled', 'cancelling'].includes(batch.status));
}

async function writeMarker(uri: string, submitted: SubmittedBatch): Promise<SubmittedBatch> {
  await (await storageFor(uri)).write(uri, JSON.stringify(submitted));
  return submitted;
}
