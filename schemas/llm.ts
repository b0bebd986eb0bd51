// Schemas of the model-call layer: role configuration, request and result records on disk,
// token usage, and the inputs and outputs of the llm activities. Pure module: workflows import it.
// Config carries the NAME of the environment variable that contains an API key, never the key,
// because workflow inputs and activity arguments are stored in Temporal history.
import { z } from 'zod';

export const LlmRole = z.enum(['annotator', 'generator', 'critic', 'judge', 'target']);
export type LlmRole = z.infer<typeof LlmRole>;

export const SamplingParams = z.object({
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  max_tokens: z.number().int().positive().optional().describe('Completion token limit per call'),
  seed: z.number().int().optional(),
  stop: z.array(z.string()).optional(),
});
export type SamplingParams = z.infer<typeof SamplingParams>;

export const RateLimits = z.object({
  concurrency: z.number().int().positive().default(8).describe('Requests in flight per model and worker process'),
  requestsPerMinute: z.number().int().positive().optional(),
  tokensPerMinute: z.number().int().positive().optional().describe('Prompt estimate plus max_tokens, as providers count it at admission'),
});
export type RateLimits = z.infer<typeof RateLimits>;

export const StructuredOutputMode = z
  .enum(['json_schema', 'json_object', 'none'])
  .describe('json_schema sends the schema as response_format; json_object asks for JSON mode and validates the reply; none only validates');

export const LlmEndpoint = z.object({
  baseURL: z.string().url().describe('OpenAI-compatible base URL including /v1'),
  model: z.string().min(1),
  apiKeyEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name such as OPENAI_API_KEY')
    .optional()
    .describe('Name of the worker environment variable that contains the API key'),
  sampling: SamplingParams.default({}),
  limits: RateLimits.default({ concurrency: 8 }),
  structuredOutput: StructuredOutputMode.default('json_schema'),
  timeoutMs: z.number().int().positive().default(120_000).describe('Per-request timeout in milliseconds'),
});
export type LlmEndpoint = z.infer<typeof LlmEndpoint>;

export const ModelPrice = z.object({
  inputPerMillionTokens: z.number().nonnegative().describe('US dollars per million prompt tokens'),
  outputPerMillionTokens: z.number().nonnegative().describe('US dollars per million completion tokens'),
  batchPriceFactor: z.number().positive().max(1).default(1).describe('Batch API price as a fraction of the online price, from the provider price list'),
});
export type ModelPrice = z.infer<typeof ModelPrice>;

export const LlmConfig = z.object({
  roles: z.partialRecord(LlmRole, LlmEndpoint).default({}),
  prices: z.record(z.string(), ModelPrice).default({}).describe('Price per model name; models without a price cost 0'),
  cacheUri: z.string().describe('Storage prefix of the response cache').default('.corpusflow/llm-cache'),
  maxRepairAttempts: z.number().int().min(0).max(2).default(2).describe('Calls that show the model its validation error'),
});
export type LlmConfig = z.infer<typeof LlmConfig>;

export const ChatMessage = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

/** One model request, as a line of a requests file. */
export const LlmRequest = z.object({
  id: z.string().min(1).describe('Unique within the requests file; becomes the batch custom_id'),
  messages: z.array(ChatMessage).min(1),
  responseSchema: z.string().optional().describe('Name of a registered zod schema the reply must match'),
  sampling: SamplingParams.optional().describe('Overrides the role defaults for this request'),
});
export type LlmRequest = z.infer<typeof LlmRequest>;

/** One text-completion request (the completions endpoint), for log-probabilities and fill-in-the-middle. */
export const TextCompletionRequest = z.object({
  id: z.string().min(1),
  prompt: z.string(),
  suffix: z.string().optional().describe('Text after the insertion point, for fill-in-the-middle'),
  logprobs: z.number().int().min(0).max(5).optional().describe('Alternatives returned per token, as the completions API allows'),
  sampling: SamplingParams.optional(),
});
export type TextCompletionRequest = z.infer<typeof TextCompletionRequest>;

export const TokenLogprobs = z.object({
  tokens: z.array(z.string()),
  tokenLogprobs: z.array(z.number()),
  topLogprobs: z.array(z.record(z.string(), z.number())),
});
export type TokenLogprobs = z.infer<typeof TokenLogprobs>;

export const LlmUsage = z.object({
  calls: z.number().int().nonnegative().describe('Calls sent to the endpoint, cache hits excluded'),
  cachedCalls: z.number().int().nonnegative(),
  promptTokens: z.number().int().nonnegative(),
  completionTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
});
export type LlmUsage = z.infer<typeof LlmUsage>;

export const LlmResultStatus = z.enum(['ok', 'llm_parse_failed', 'llm_request_rejected', 'llm_content_filtered']);
export type LlmResultStatus = z.infer<typeof LlmResultStatus>;

/** One result line, the same in online and batch mode. */
export const LlmResult = z.object({
  id: z.string(),
  role: LlmRole,
  model: z.string(),
  status: LlmResultStatus,
  output: z.unknown().optional().describe('The reply parsed and validated against responseSchema, or the text when no schema'),
  raw: z.string().optional().describe('Last reply text, kept when it failed its schema'),
  error: z.string().optional(),
  repairAttempts: z.number().int().nonnegative(),
  usage: LlmUsage,
});
export type LlmResult = z.infer<typeof LlmResult>;

export const TextCompletion = z.object({
  id: z.string(),
  role: LlmRole,
  model: z.string(),
  text: z.string(),
  finishReason: z.string(),
  logprobs: TokenLogprobs.optional(),
  usage: LlmUsage,
});
export type TextCompletion = z.infer<typeof TextCompletion>;

export const CompleteRequestsInput = z.object({
  config: LlmConfig,
  role: LlmRole,
  requestsUri: z.string().describe('JSON Lines of LlmRequest, plain or .gz'),
  outputUri: z.string().describe('Where the JSON Lines of LlmResult go (.jsonl.gz)'),
});
export type CompleteRequestsInput = z.input<typeof CompleteRequestsInput>;

export const CompleteRequestsOutput = z.object({
  outputUri: z.string(),
  records: z.number().int().nonnegative(),
  byStatus: z.record(z.string(), z.number().int().nonnegative()),
  usage: LlmUsage,
});
export type CompleteRequestsOutput = z.infer<typeof CompleteRequestsOutput>;

export function emptyUsage(): LlmUsage {
  return { calls: 0, cachedCalls: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 };
}

/** Converts usage to the fields a stage or run manifest records (schemas/manifest.ts), counting paid calls only. */
export function manifestUsage(usage: LlmUsage): { requests: number; promptTokens: number; completionTokens: number; costUsd: number } {
  return { requests: usage.calls, promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, costUsd: usage.costUsd };
}

/** Adds `source` into `target` in place and returns `target`. */
export function addUsage(target: LlmUsage, source: LlmUsage): LlmUsage {
  target.calls += source.calls;
  target.cachedCalls += source.cachedCalls;
  target.promptTokens += source.promptTokens;
  target.completionTokens += source.completionTokens;
  target.costUsd += source.costUsd;
  return target;
}

// Batch mode.

const BatchRound = z.object({
  config: LlmConfig,
  role: LlmRole,
  requestsUri: z.string().describe('Requests of this round: the original file in round 0, the failed lines after that'),
  workUri: z.string().describe('Storage prefix for the batch input files, markers and resubmissions'),
  round: z.number().int().nonnegative(),
});

export const SubmitBatchInput = BatchRound;
export type SubmitBatchInput = z.input<typeof SubmitBatchInput>;

export const SubmittedBatch = z.object({
  batchId: z.string().nullable().describe('Null when every request of the round was already in the cache'),
  inputFileId: z.string().nullable(),
  lines: z.number().int().nonnegative(),
});
export type SubmittedBatch = z.infer<typeof SubmittedBatch>;

export const BatchStatusInput = z.object({ config: LlmConfig, role: LlmRole, batchId: z.string() });
export type BatchStatusInput = z.input<typeof BatchStatusInput>;

export const BatchStatus = z.object({
  batchId: z.string(),
  status: z.string().describe('Batch API status: validating, in_progress, finalizing, completed, failed, expired, cancelling, cancelled'),
  finished: z.boolean(),
  total: z.number().int().nonnegative(),
  completed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
});
export type BatchStatus = z.infer<typeof BatchStatus>;

export const CollectBatchInput = BatchRound.extend({ batchId: z.string() });
export type CollectBatchInput = z.input<typeof CollectBatchInput>;

export const CollectedBatch = z.object({
  succeeded: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  failedRequestsUri: z.string().nullable().describe('Requests to resubmit in the next round, or null when none failed'),
  usage: LlmUsage,
});
export type CollectedBatch = z.infer<typeof CollectedBatch>;

export const LlmRequestsWorkflowInput = z.object({
  config: LlmConfig.default(LlmConfig.parse({})),
  role: LlmRole.default('annotator'),
  requestsUri: z.string().min(1),
  outputUri: z.string().min(1),
  mode: z.enum(['online', 'batch']).default('online'),
  workUri: z.string().optional().describe('Batch work prefix; defaults to <outputUri>.batch'),
  maxRounds: z.number().int().positive().default(3).describe('Batch submissions, the first included, before the online pass takes the rest'),
  pollIntervalSeconds: z.number().positive().default(60).describe('Seconds between batch status checks'),
});
export type LlmRequestsWorkflowInput = z.input<typeof LlmRequestsWorkflowInput>;

export const LlmRequestsWorkflowOutput = CompleteRequestsOutput.extend({
  batches: z.array(z.object({ batchId: z.string(), lines: z.number().int(), failed: z.number().int() })),
});
export type LlmRequestsWorkflowOutput = z.infer<typeof LlmRequestsWorkflowOutput>;
