// Completes a file of model requests on the `llm` queue, online or through the Batch API.
// Batch mode waits with durable timers between status checks, so a worker restart while a
// batch runs loses nothing: the workflow resumes polling the same batch id from history.
// Both modes end with the online activity. In batch mode it finds every collected reply in the
// cache, so the two modes write the same records.
import { log, proxyActivities, sleep } from '@temporalio/workflow';
import type * as llmActivities from '../activities/llm';
import { addUsage, LlmRequestsWorkflowInput } from '../schemas/llm';
import type { LlmRequestsWorkflowOutput } from '../schemas/llm';
import { queueFor } from './queues';
import { parseWorkflowInput } from './validate';

function llmActivityProxies() {
  return proxyActivities<typeof llmActivities>({
    taskQueue: queueFor('llm'),
    // A requests file is a shard of at most a few thousand calls; the limiter may hold calls for minutes.
    startToCloseTimeout: '2 hours',
    // completeRequests heartbeats every few seconds, so a dead worker is noticed within a minute.
    heartbeatTimeout: '1 minute',
    retry: {
      // 5xx and dropped connections are usually gone within seconds; a 429 sets its own delay.
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '2 minutes',
      // A 429 storm can last a while; twenty attempts cover about half an hour of backoff.
      maximumAttempts: 20,
    },
  });
}

export async function llmRequests(rawInput: unknown): Promise<LlmRequestsWorkflowOutput> {
  const input = parseWorkflowInput('llmRequests', LlmRequestsWorkflowInput, rawInput);
  const activities = llmActivityProxies();
  const batches: LlmRequestsWorkflowOutput['batches'] = [];
  const batchUsage = { calls: 0, cachedCalls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };

  if (input.mode === 'batch') {
    const workUri = input.workUri ?? `${input.outputUri}.batch`;
    let requestsUri = input.requestsUri;
    for (let round = 0; round < input.maxRounds; round += 1) {
      const common = { config: input.config, role: input.role, requestsUri, workUri, round };
      const submitted = await activities.submitBatch(common);
      if (!submitted.batchId) break;

      let status = await activities.getBatchStatus({ config: input.config, role: input.role, batchId: submitted.batchId });
      while (!status.finished) {
        await sleep(`${input.pollIntervalSeconds} seconds`);
        status = await activities.getBatchStatus({ config: input.config, role: input.role, batchId: submitted.batchId });
      }

      const collected = await activities.collectBatchResults({ ...common, batchId: submitted.batchId });
      addUsage(batchUsage, collected.usage);
      batches.push({ batchId: submitted.batchId, lines: submitted.lines, failed: collected.failed });
      log.info('Batch round finished', { round, batchId: submitted.batchId, status: status.status, succeeded: collected.succeeded, failed: collected.failed });
      if (!collected.failedRequestsUri) break;
      requestsUri = collected.failedRequestsUri;
    }
  }

  const completed = await activities.completeRequests({ config: input.config, role: input.role, requestsUri: input.requestsUri, outputUri: input.outputUri });
  const usage = addUsage({ ...completed.usage }, batchUsage);
  log.info('Model requests completed', { mode: input.mode, records: completed.records, byStatus: completed.byStatus, calls: usage.calls, costUsd: usage.costUsd });
  return { ...completed, usage, batches };
}
