// A stub OpenAI-compatible HTTP server on 127.0.0.1 for tests and benchmarks. It serves chat
// completions, completions with logprobs, files and batches, and replies from a script.
// It injects the faults a real endpoint shows: 429 with Retry-After and rate-limit reset
// headers, 5xx, dropped connections, requests that never get a reply, and truncated JSON.
//
//   const stub = await startOpenAIStub({ latencyMs: 200 });
//   stub.script(stubReply.rateLimited(2), stubReply.json({ score: 3 }));
//   const client = new OpenAI({ baseURL: stub.baseURL, apiKey: 'test', maxRetries: 0 });
//   ...
//   expect(stub.requests).toHaveLength(2);
//   await stub.close();
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { estimateRequestTokens } from '../../activities/llm/tokens';

/** A reply with model output: the assistant message (chat) or the completion text. */
export interface StubContentReply {
  content: string;
  finishReason?: 'stop' | 'length' | 'content_filter';
  /** A structured-output refusal: sent as `message.refusal` with null content. */
  refusal?: string;
  usage?: { promptTokens: number; completionTokens: number };
  delayMs?: number;
}

/** An HTTP error reply, such as a 429, a 500 or a 401. */
export interface StubErrorReply {
  status: number;
  error?: { message: string; type?: string; code?: string };
  headers?: Record<string, string>;
  delayMs?: number;
}

/**
 * A transport fault: `drop` closes the connection without a reply, `hang` never replies (the
 * client's timeout fires), `truncated_body` sends the first half of a valid JSON body and ends.
 */
export interface StubFaultReply {
  fault: 'drop' | 'hang' | 'truncated_body';
  delayMs?: number;
}

export type StubReply = StubContentReply | StubErrorReply | StubFaultReply;

export interface StubRequest {
  method: string;
  /** Path without the query string, for example `/v1/chat/completions`. */
  path: string;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON body, or undefined for bodies that are not JSON (file uploads). */
  body: unknown;
  /** Wall-clock arrival time in milliseconds since the epoch. */
  arrivedAtMs: number;
  /** HTTP status sent back, or a fault name when no status was sent. */
  outcome?: number | StubFaultReply['fault'];
  /** True when the request arrived before a Retry-After that the stub sent had expired. */
  duringRetryAfter: boolean;
}

/** Picks the reply for a model request that no scripted reply or matcher claimed. */
export type StubResponder = (request: StubModelRequest) => StubReply;

export interface StubModelRequest {
  path: '/v1/chat/completions' | '/v1/completions';
  body: Record<string, unknown>;
  /** The last user message (chat) or the prompt (completions). */
  prompt: string;
  /** `custom_id` when the request came from a batch input line. */
  customId?: string;
}

export interface StubRateLimit {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

export interface OpenAIStubOptions {
  /** Added to every model reply, in milliseconds. */
  latencyMs?: number;
  /** Budgets enforced over a sliding 60-second window; a request over budget gets a 429. */
  rateLimit?: StubRateLimit;
  respond?: StubResponder;
  /** Status retrievals a batch stays `in_progress` for before it completes. */
  batchPollsUntilDone?: number;
}

export interface OpenAIStub {
  /** Base URL with the `/v1` suffix, as the `openai` client expects it. */
  baseURL: string;
  /** Every request received, in arrival order. */
  readonly requests: StubRequest[];
  /** Model requests only (chat completions and completions, online and inside batches). */
  modelRequests(): StubRequest[];
  /** Queues replies that the next online model requests receive, in order, before any matcher. */
  script(...replies: StubReply[]): void;
  /** Replies to every model request whose prompt matches, until the matcher is removed. */
  respondWhen(match: string | RegExp | ((request: StubModelRequest) => boolean), reply: StubReply | StubResponder): () => void;
  /** Makes batch lines whose custom_id matches fail: `error` goes to the error file, a number is that status. */
  failBatchLines(match: (customId: string) => boolean, failure: 'error' | number): void;
  /** Number of batch lines processed so far (a line served from a batch counts once). */
  readonly batchLinesServed: number;
  close(): Promise<void>;
}

/** Reply builders for `script` and `respondWhen`. */
export const stubReply = {
  text: (content: string, extra: Partial<StubContentReply> = {}): StubContentReply => ({ content, ...extra }),
  json: (value: unknown, extra: Partial<StubContentReply> = {}): StubContentReply => ({ content: JSON.stringify(value), ...extra }),
  refusal: (message: string): StubContentReply => ({ content: '', refusal: message }),
  rateLimited: (retryAfterSeconds: number, headers: Record<string, string> = {}): StubErrorReply => ({
    status: 429,
    error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' },
    headers: {
      'retry-after': String(retryAfterSeconds),
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': `${retryAfterSeconds}s`,
      ...headers,
    },
  }),
  serverError: (status = 500): StubErrorReply => ({ status, error: { message: 'The server had an error while processing your request.', type: 'server_error' } }),
  error: (status: number, message: string, code?: string): StubErrorReply => ({ status, error: { message, type: 'invalid_request_error', code } }),
  drop: (): StubFaultReply => ({ fault: 'drop' }),
  hang: (): StubFaultReply => ({ fault: 'hang' }),
  truncatedBody: (): StubFaultReply => ({ fault: 'truncated_body' }),
};

const windowMs = 60_000;

interface StoredFile {
  id: string;
  filename: string;
  purpose: string;
  content: Buffer;
  createdAt: number;
}

interface StoredBatch {
  id: string;
  inputFileId: string;
  endpoint: string;
  metadata: Record<string, string> | null;
  createdAt: number;
  polls: number;
  status: 'validating' | 'in_progress' | 'completed';
  outputFileId: string | null;
  errorFileId: string | null;
  counts: { total: number; completed: number; failed: number };
}

export async function startOpenAIStub(options: OpenAIStubOptions = {}): Promise<OpenAIStub> {
  const state = new StubState(options);
  const sockets = new Set<Socket>();
  const server = http.createServer((request, response) => {
    state.handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: { message: String(error), type: 'stub_error' } });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests: state.requests,
    modelRequests: () => state.requests.filter((request) => isModelPath(request.path)),
    script: (...replies) => state.queue.push(...replies),
    respondWhen: (match, reply) => state.addMatcher(match, reply),
    failBatchLines: (match, failure) => state.batchFailures.push({ match, failure }),
    get batchLinesServed() {
      return state.batchLinesServed;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function isModelPath(path: string): path is StubModelRequest['path'] {
  return path === '/v1/chat/completions' || path === '/v1/completions';
}

interface Matcher {
  test: (request: StubModelRequest) => boolean;
  reply: StubReply | StubResponder;
}

class StubState {
  readonly requests: StubRequest[] = [];
  readonly queue: StubReply[] = [];
  readonly batchFailures: Array<{ match: (customId: string) => boolean; failure: 'error' | number }> = [];
  batchLinesServed = 0;
  private readonly matchers: Matcher[] = [];
  private readonly files = new Map<string, StoredFile>();
  private readonly batches = new Map<string, StoredBatch>();
  /** Admitted requests in the last minute, for the enforced budgets. */
  private readonly admitted: Array<{ atMs: number; tokens: number }> = [];
  private retryAfterUntilMs = 0;
  private nextId = 1;

  constructor(private readonly options: OpenAIStubOptions) {}

  addMatcher(match: string | RegExp | ((request: StubModelRequest) => boolean), reply: StubReply | StubResponder): () => void {
    const test =
      typeof match === 'string'
        ? (request: StubModelRequest) => request.prompt.includes(match)
        : match instanceof RegExp
          ? (request: StubModelRequest) => match.test(request.prompt)
          : match;
    const matcher: Matcher = { test, reply };
    this.matchers.push(matcher);
    return () => {
      const index = this.matchers.indexOf(matcher);
      if (index >= 0) this.matchers.splice(index, 1);
    };
  }

  async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const arrivedAtMs = Date.now();
    const raw = await readBody(request);
    const path = (request.url ?? '/').split('?')[0]!;
    const isJson = (request.headers['content-type'] ?? '').includes('application/json');
    const body = isJson && raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined;
    const record: StubRequest = {
      method: request.method ?? 'GET',
      path,
      headers: request.headers,
      body,
      arrivedAtMs,
      duringRetryAfter: arrivedAtMs < this.retryAfterUntilMs,
    };
    this.requests.push(record);

    if (request.method === 'POST' && isModelPath(path)) {
      await this.handleModelRequest(record, path, (body ?? {}) as Record<string, unknown>, response);
    } else if (request.method === 'POST' && path === '/v1/files') {
      await this.handleFileUpload(record, request, raw, response);
    } else if (request.method === 'GET' && /^\/v1\/files\/[^/]+\/content$/.test(path)) {
      this.handleFileContent(record, path.split('/')[3]!, response);
    } else if (request.method === 'GET' && /^\/v1\/files\/[^/]+$/.test(path)) {
      this.handleFileRetrieve(record, path.split('/')[3]!, response);
    } else if (request.method === 'POST' && path === '/v1/batches') {
      this.handleBatchCreate(record, body as Record<string, unknown>, response);
    } else if (request.method === 'GET' && path === '/v1/batches') {
      this.reply(record, response, 200, { object: 'list', data: [...this.batches.values()].map((batch) => batchObject(batch)), has_more: false });
    } else if (request.method === 'GET' && /^\/v1\/batches\/[^/]+$/.test(path)) {
      this.handleBatchRetrieve(record, path.split('/')[3]!, response);
    } else {
      this.reply(record, response, 404, { error: { message: `Unknown route ${request.method} ${path}`, type: 'invalid_request_error' } });
    }
  }

  private async handleModelRequest(record: StubRequest, path: StubModelRequest['path'], body: Record<string, unknown>, response: http.ServerResponse): Promise<void> {
    const overBudget = this.checkBudget(body, record.arrivedAtMs);
    const modelRequest = toModelRequest(path, body);
    const reply = overBudget ?? this.queue.shift() ?? this.pickReply(modelRequest);
    await delay((this.options.latencyMs ?? 0) + (reply.delayMs ?? 0));

    if ('fault' in reply) {
      record.outcome = reply.fault;
      if (reply.fault === 'drop') response.socket?.destroy();
      if (reply.fault === 'truncated_body') {
        const full = JSON.stringify(this.completionBody(modelRequest, { content: 'cut short' }));
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(full.slice(0, Math.floor(full.length / 2)));
      }
      return;
    }
    if ('status' in reply) {
      if (reply.status === 429) this.noteRetryAfter(reply.headers ?? {});
      this.reply(record, response, reply.status, { error: reply.error ?? { message: `HTTP ${reply.status}` } }, reply.headers);
      return;
    }
    this.reply(record, response, 200, this.completionBody(modelRequest, reply));
  }

  private pickReply(request: StubModelRequest): StubReply {
    for (const matcher of this.matchers) {
      if (!matcher.test(request)) continue;
      return typeof matcher.reply === 'function' ? matcher.reply(request) : matcher.reply;
    }
    if (this.options.respond) return this.options.respond(request);
    return { content: 'ok' };
  }

  /** Returns a 429 reply when admitting the request would exceed a budget, else admits it. */
  private checkBudget(body: Record<string, unknown>, nowMs: number): StubErrorReply | undefined {
    const limits = this.options.rateLimit;
    if (!limits) return undefined;
    while (this.admitted.length > 0 && this.admitted[0]!.atMs <= nowMs - windowMs) this.admitted.shift();

    const tokens = estimateRequestTokens(body);
    const usedTokens = this.admitted.reduce((sum, entry) => sum + entry.tokens, 0);
    const requestsFull = limits.requestsPerMinute !== undefined && this.admitted.length + 1 > limits.requestsPerMinute;
    const tokensFull = limits.tokensPerMinute !== undefined && usedTokens + tokens > limits.tokensPerMinute;
    if (!requestsFull && !tokensFull) {
      this.admitted.push({ atMs: nowMs, tokens });
      return undefined;
    }

    const requestsResetMs = requestsFull ? this.admitted[0]!.atMs + windowMs - nowMs : 0;
    const tokensResetMs = tokensFull ? this.tokensFreedAtMs(tokens, limits.tokensPerMinute!) - nowMs : 0;
    const waitMs = Math.max(requestsResetMs, tokensResetMs, 1);
    return {
      status: 429,
      error: { message: `Rate limit reached: ${requestsFull ? 'requests' : 'tokens'} per minute`, type: requestsFull ? 'requests' : 'tokens', code: 'rate_limit_exceeded' },
      headers: {
        'retry-after': String(Math.ceil(waitMs / 1000)),
        'retry-after-ms': String(waitMs),
        'x-ratelimit-limit-requests': String(limits.requestsPerMinute ?? ''),
        'x-ratelimit-remaining-requests': String(requestsFull ? 0 : (limits.requestsPerMinute ?? 0) - this.admitted.length),
        'x-ratelimit-reset-requests': `${requestsResetMs}ms`,
        'x-ratelimit-limit-tokens': String(limits.tokensPerMinute ?? ''),
        'x-ratelimit-remaining-tokens': String(tokensFull ? 0 : (limits.tokensPerMinute ?? 0) - usedTokens),
        'x-ratelimit-reset-tokens': `${tokensResetMs}ms`,
      },
    };
  }

  /** Computes when enough admitted tokens leave the window for `tokens` more to fit. */
  private tokensFreedAtMs(tokens: number, limit: number): number {
    let used = this.admitted.reduce((sum, entry) => sum + entry.tokens, 0);
    for (const entry of this.admitted) {
      used -= entry.tokens;
      if (used + tokens <= limit) return entry.atMs + windowMs;
    }
    return Date.now() + windowMs;
  }

  private noteRetryAfter(headers: Record<string, string>): void {
    const ms = headers['retry-after-ms'] !== undefined ? Number(headers['retry-after-ms']) : Number(headers['retry-after'] ?? 0) * 1000;
    if (Number.isFinite(ms)) this.retryAfterUntilMs = Math.max(this.retryAfterUntilMs, Date.now() + ms);
  }

  private completionBody(request: StubModelRequest, reply: StubContentReply): Record<string, unknown> {
    const promptTokens = reply.usage?.promptTokens ?? estimateRequestTokens({ messages: request.body.messages, prompt: request.body.prompt });
    const completionTokens = reply.usage?.completionTokens ?? Math.max(1, Math.ceil(reply.content.length / 4));
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
    const model = typeof request.body.model === 'string' ? request.body.model : 'stub-model';
    const created = Math.floor(Date.now() / 1000);
    const finishReason = reply.finishReason ?? 'stop';

    if (request.path === '/v1/completions') {
      const logprobs = typeof request.body.logprobs === 'number' ? stubLogprobs(reply.content, request.body.logprobs) : null;
      return {
        id: `cmpl-${this.nextId++}`,
        object: 'text_completion',
        created,
        model,
        choices: [{ index: 0, text: reply.content, logprobs, finish_reason: finishReason }],
        usage,
      };
    }
    return {
      id: `chatcmpl-${this.nextId++}`,
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: reply.refusal !== undefined ? null : reply.content, refusal: reply.refusal ?? null },
          logprobs: null,
          finish_reason: finishReason,
        },
      ],
      usage,
    };
  }

  private async handleFileUpload(record: StubRequest, request: http.IncomingMessage, raw: Buffer, response: http.ServerResponse): Promise<void> {
    const form = await new Response(raw, { headers: { 'content-type': request.headers['content-type'] ?? '' } }).formData();
    const file = form.get('file');
    if (!(file instanceof Blob)) {
      this.reply(record, response, 400, { error: { message: 'Missing file field in the upload', type: 'invalid_request_error' } });
      return;
    }
    const stored = this.storeFile(file instanceof File ? file.name : 'upload.jsonl', String(form.get('purpose') ?? 'batch'), Buffer.from(await file.arrayBuffer()));
    this.reply(record, response, 200, fileObject(stored));
  }

  private handleFileRetrieve(record: StubRequest, id: string, response: http.ServerResponse): void {
    const file = this.files.get(id);
    if (!file) return this.reply(record, response, 404, { error: { message: `No such file: ${id}`, type: 'invalid_request_error' } });
    this.reply(record, response, 200, fileObject(file));
  }

  private handleFileContent(record: StubRequest, id: string, response: http.ServerResponse): void {
    const file = this.files.get(id);
    if (!file) return this.reply(record, response, 404, { error: { message: `No such file: ${id}`, type: 'invalid_request_error' } });
    record.outcome = 200;
    response.writeHead(200, { 'content-type': 'application/octet-stream' });
    response.end(file.content);
  }

  private handleBatchCreate(record: StubRequest, body: Record<string, unknown>, response: http.ServerResponse): void {
    const inputFileId = String(body.input_file_id ?? '');
    if (!this.files.has(inputFileId)) {
      return this.reply(record, response, 400, { error: { message: `Invalid input_file_id: ${inputFileId}`, type: 'invalid_request_error' } });
    }
    const batch: StoredBatch = {
      id: `batch_${randomUUID().replaceAll('-', '')}`,
      inputFileId,
      endpoint: String(body.endpoint ?? '/v1/chat/completions'),
      metadata: (body.metadata as Record<string, string> | undefined) ?? null,
      createdAt: Math.floor(Date.now() / 1000),
      polls: 0,
      status: 'validating',
      outputFileId: null,
      errorFileId: null,
      counts: { total: 0, completed: 0, failed: 0 },
    };
    this.batches.set(batch.id, batch);
    this.reply(record, response, 200, batchObject(batch));
  }

  private handleBatchRetrieve(record: StubRequest, id: string, response: http.ServerResponse): void {
    const batch = this.batches.get(id);
    if (!batch) return this.reply(record, response, 404, { error: { message: `No such batch: ${id}`, type: 'invalid_request_error' } });
    batch.polls += 1;
    if (batch.status !== 'completed') {
      batch.status = batch.polls > (this.options.batchPollsUntilDone ?? 1) ? 'completed' : 'in_progress';
      if (batch.status === 'completed') this.runBatch(batch);
    }
    this.reply(record, response, 200, batchObject(batch));
  }

  /** Replies to every input line with the responder online requests use, except lines set to fail. */
  private runBatch(batch: StoredBatch): void {
    const input = this.files.get(batch.inputFileId)!.content.toString('utf8');
    const outputLines: string[] = [];
    const errorLines: string[] = [];
    for (const line of input.split('\n')) {
      if (line.trim() === '') continue;
      const entry = JSON.parse(line) as { custom_id: string; url: string; body: Record<string, unknown> };
      batch.counts.total += 1;
      this.batchLinesServed += 1;
      const failure = this.batchFailures.find((candidate) => candidate.match(entry.custom_id))?.failure;
      if (failure === 'error') {
        batch.counts.failed += 1;
        errorLines.push(JSON.stringify({ id: `batch_req_${this.nextId++}`, custom_id: entry.custom_id, response: null, error: { code: 'server_error', message: 'The line could not be processed.' } }));
        continue;
      }
      if (typeof failure === 'number') {
        batch.counts.failed += 1;
        const errorBody = { error: { message: `HTTP ${failure}`, type: 'server_error' } };
        outputLines.push(JSON.stringify({ id: `batch_req_${this.nextId++}`, custom_id: entry.custom_id, response: { status_code: failure, request_id: randomUUID(), body: errorBody }, error: null }));
        continue;
      }
      const path = entry.url === '/v1/completions' ? '/v1/completions' : '/v1/chat/completions';
      const modelRequest = { ...toModelRequest(path, entry.body), customId: entry.custom_id };
      const reply = this.pickReply(modelRequest);
      const content: StubContentReply = 'content' in reply ? reply : { content: '' };
      batch.counts.completed += 1;
      outputLines.push(JSON.stringify({ id: `batch_req_${this.nextId++}`, custom_id: entry.custom_id, response: { status_code: 200, request_id: randomUUID(), body: this.completionBody(modelRequest, content) }, error: null }));
    }
    if (outputLines.length > 0) batch.outputFileId = this.storeFile('batch_output.jsonl', 'batch_output', Buffer.from(outputLines.join('\n') + '\n')).id;
    if (errorLines.length > 0) batch.errorFileId = this.storeFile('batch_errors.jsonl', 'batch_output', Buffer.from(errorLines.join('\n') + '\n')).id;
  }

  private storeFile(filename: string, purpose: string, content: Buffer): StoredFile {
    const stored: StoredFile = { id: `file-${randomUUID().replaceAll('-', '')}`, filename, purpose, content, createdAt: Math.floor(Date.now() / 1000) };
    this.files.set(stored.id, stored);
    return stored;
  }

  private reply(record: StubRequest, response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    record.outcome = status;
    sendJson(response, status, body, headers);
  }
}

function toModelRequest(path: StubModelRequest['path'], body: Record<string, unknown>): StubModelRequest {
  let prompt = typeof body.prompt === 'string' ? body.prompt : '';
  if (Array.isArray(body.messages)) {
    const users = (body.messages as Array<{ role?: string; content?: unknown }>).filter((message) => message.role === 'user');
    const last = users.at(-1)?.content;
    prompt = typeof last === 'string' ? last : JSON.stringify(last ?? '');
  }
  return { path, body, prompt };
}

/** Whitespace-split tokens with fixed log-probabilities and `top` alternatives each. */
function stubLogprobs(text: string, top: number): Record<string, unknown> {
  const tokens = text.match(/\s*\S+/g) ?? [];
  const tokenLogprobs = tokens.map((_token, index) => -0.05 * ((index % 5) + 1));
  const topLogprobs = tokens.map((token, index) => {
    const alternatives: Record<string, number> = { [token]: tokenLogprobs[index]! };
    for (let rank = 1; rank < top; rank += 1) alternatives[`${token}#${rank}`] = tokenLogprobs[index]! - rank;
    return alternatives;
  });
  const textOffset: number[] = [];
  let offset = 0;
  for (const token of tokens) {
    textOffset.push(offset);
    offset += token.length;
  }
  return { tokens, token_logprobs: tokenLogprobs, top_logprobs: topLogprobs, text_offset: textOffset };
}

function fileObject(file: StoredFile): Record<string, unknown> {
  return { id: file.id, object: 'file', bytes: file.content.length, created_at: file.createdAt, filename: file.filename, purpose: file.purpose, status: 'processed' };
}

function batchObject(batch: StoredBatch): Record<string, unknown> {
  return {
    id: batch.id,
    object: 'batch',
    endpoint: batch.endpoint,
    input_file_id: batch.inputFileId,
    completion_window: '24h',
    status: batch.status,
    output_file_id: batch.outputFileId,
    error_file_id: batch.errorFileId,
    created_at: batch.createdAt,
    metadata: batch.metadata,
    request_counts: batch.counts,
  };
}

function sendJson(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

async function readBody(request: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
