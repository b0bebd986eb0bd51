// The online-mode activity: completes every request of a requests file and writes one result
// line per request, in input order. A request the endpoint rejects (400, content filter) or
// whose reply never matches its schema becomes a result with that status, never a failed shard.
import { ApplicationFailure } from '@temporalio/common';
import pLimit from 'p-limit';
import { addUsage, CompleteRequestsInput, CompleteRequestsOutput, emptyUsage, LlmRequest } from '../../schemas/llm';
import type { LlmConfig, LlmResult, LlmRole } from '../../schemas/llm';
import { readJsonlLines } from '../shards/jsonl-reader';
import { JsonlShardWriter } from '../shards/jsonl-writer';
import { storageFor } from '../storage';
import { completeRequest } from './call';
import type { CallOptions } from './call';
import { endpointFor } from './endpoint';
import { requestScopedFailureTypes } from './errors';
import { activityLogger, heartbeat } from './log';

export async function completeRequests(rawInput: CompleteRequestsInput, options: CallOptions = {}): Promise<CompleteRequestsOutput> {
  const input = CompleteRequestsInput.parse(rawInput);
  const summaryUri = `${input.outputUri}.summary.json`;
  const storage = await storageFor(summaryUri);
  if (await storage.stat(summaryUri)) {
    return CompleteRequestsOutput.parse(JSON.parse((await storage.readBytes(summaryUri)).toString('utf8')));
  }

  const requests = await readRequests(input.requestsUri);
  const results = await completeAll(input.config, input.role, requests, options);

  const writer = await JsonlShardWriter.open(input.outputUri);
  const summary: CompleteRequestsOutput = { outputUri: input.outputUri, records: 0, byStatus: {}, usage: emptyUsage() };
  for (const result of results) {
    await writer.write(result);
    summary.records += 1;
    summary.byStatus[result.status] = (summary.byStatus[result.status] ?? 0) + 1;
    addUsage(summary.usage, result.usage);
  }
  await writer.close();
  await storage.write(summaryUri, JSON.stringify(summary));

  activityLogger().info('Completed model requests', { role: input.role, outputUri: input.outputUri, byStatus: summary.byStatus, usage: summary.usage });
  return summary;
}

/** Reads and validates a requests file; a bad line fails the activity naming file, line and field. */
export async function readRequests(uri: string): Promise<LlmRequest[]> {
  const requests: LlmRequest[] = [];
  const seen = new Set<string>();
  for await (const line of readJsonlLines(uri)) {
    let json: unknown;
    try {
      json = JSON.parse(line.text);
    } catch (error) {
      throw ApplicationFailure.nonRetryable(`Invalid JSON in requests file ${uri} at line ${line.lineNumber}: ${(error as Error).message}`, 'LlmRequestsInvalid');
    }
    const parsed = LlmRequest.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw ApplicationFailure.nonRetryable(`Invalid request in ${uri} at line ${line.lineNumber}, field "${issue.path.join('.')}": ${issue.message}`, 'LlmRequestsInvalid');
    }
    if (seen.has(parsed.data.id)) {
      throw ApplicationFailure.nonRetryable(`Duplicate request id "${parsed.data.id}" in ${uri} at line ${line.lineNumber}: ids must be unique within a file`, 'LlmRequestsInvalid');
    }
    seen.add(parsed.data.id);
    requests.push(parsed.data);
  }
  return requests;
}

/**
 * Runs every request, at most a few more at once than the model's concurrency limit (the
 * limiter does the real limiting). When a call fails retryably, the other calls still finish
 * and fill the cache before the activity fails, so the retry pays only for what is left.
 */
async function completeAll(config: LlmConfig, role: LlmRole, requests: LlmRequest[], options: CallOptions): Promise<LlmResult[]> {
  const endpoint = endpointFor(config, role);
  const limit = pLimit(endpoint.limits.concurrency * 2);
  const log = activityLogger();
  let done = 0;
  let warnedParseFailure = false;
  // Calls can wait minutes on the limiter without finishing, so heartbeat on a clock too.
  const ticker = setInterval(() => heartbeat({ done }), 5000);

  const settled = await Promise.allSettled(
    requests.map((request) =>
      limit(async (): Promise<LlmResult> => {
        const result = await completeOrRecord(config, role, request, options);
        done += 1;
        heartbeat({ done });
        if (result.status === 'llm_parse_failed' && !warnedParseFailure) {
          warnedParseFailure = true;
          log.warn('Model reply failed its schema after repair attempts', { requestId: request.id, error: result.error });
        }
        return result;
      }),
    ),
  ).finally(() => clearInterval(ticker));

  const failures = settled.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected').map((outcome) => outcome.reason as unknown);
  if (failures.length > 0) throw pickFailure(failures);
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<LlmResult>).value);
}

async function completeOrRecord(config: LlmConfig, role: LlmRole, request: LlmRequest, options: CallOptions): Promise<LlmResult> {
  try {
    return await completeRequest(config, role, request, options);
  } catch (error) {
    if (!(error instanceof ApplicationFailure) || !error.type || !requestScopedFailureTypes.has(error.type)) throw error;
    const status = error.type === 'LlmContentFiltered' ? 'llm_content_filtered' : 'llm_request_rejected';
    const model = endpointFor(config, role).model;
    return { id: request.id, role, model, status, error: error.message, repairAttempts: 0, usage: emptyUsage() };
  }
}

/** Prefers a non-retryable failure, then the rate limit with the longest wait, then the first. */
function pickFailure(failures: unknown[]): unknown {
  const application = failures.filter((failure): failure is ApplicationFailure => failure instanceof ApplicationFailure);
  const fatal = application.find((failure) => failure.nonRetryable);
  if (fatal) return fatal;
  const rateLimited = application.filter((failure) => failure.type === 'LlmRateLimited');
  if (rateLimited.length > 0) {
    return rateLimited.reduce((longest, failure) => (delayMs(failure) > delayMs(longest) ? failure : longest));
  }
  return failures[0];
}

function delayMs(failure: ApplicationFailure): number {
  const delay = failure.nextRetryDelay;
  return typeof delay === 'number' ? delay : 0;
}
