// `corpusflow replay <workflowId>`: replays a recorded history against the current workflow
// code. A change that would break runs already in flight (a reordered activity, a removed
// child workflow, a new timer) makes the replay fail here instead of in production.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import type { Client } from '@temporalio/client';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import proto from '@temporalio/proto';
import type { temporal as protoTypes } from '@temporalio/proto';

const { temporal } = proto;
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { workflowsPath } from '../../workers/create';
import { installRuntimeLogging } from '../../workers/run';
import { UserError } from '../errors';
import { connectClient } from '../temporal';

// @temporalio/proto is CommonJS: its runtime namespace comes through the default export.
type History = protoTypes.api.history.v1.IHistory;

export interface HistoryToReplay {
  workflowId: string;
  history: History;
}

export interface ReplayOutcome {
  workflowId: string;
  ok: boolean;
  /** Plain-words explanation when the replay failed. */
  explanation?: string;
}

export interface ReplayCode {
  /** Workflow entry file to replay against; the workers' workflows/index.ts by default. */
  workflowsPath?: string;
  workflowBundle?: WorkflowBundleWithSourceMap;
}

/** Explains a replay failure: what nondeterminism means and what to do about it. */
export function explainReplayFailure(workflowId: string, error: Error): string {
  // The SDK wraps the core's one-line reason (such as "[TMPRL1100] Nondeterminism error: Timer
  // machine does not handle this event: HistoryEvent(id: 5, ActivityTaskScheduled)") in a
  // debug dump of the failed activation; show the reason alone.
  const reason = /message: "([^"]+)"/.exec(error.message)?.[1] ?? error.message;
  if (error instanceof DeterminismViolationError || /nondetermin/i.test(error.message)) {
    return (
      `${workflowId}: the current workflow code is not deterministic with this history: ${reason}. ` +
      'The code now issues different commands (activities, child workflows, timers) than the recorded run did at that point, ' +
      'so a running workflow of this type would fail on its next workflow task. Keep the old path for runs already started ' +
      'behind patched("<change-id>") from @temporalio/workflow, or deprecatePatch once no old run remains.'
    );
  }
  return `${workflowId}: replay failed: ${reason}`;
}

export async function replayHistories(histories: HistoryToReplay[], code: ReplayCode = {}): Promise<ReplayOutcome[]> {
  const options = code.workflowBundle ? { workflowBundle: code.workflowBundle } : { workflowsPath: code.workflowsPath ?? workflowsPath };
  const outcomes: ReplayOutcome[] = [];
  for await (const result of Worker.runReplayHistories(options, histories)) {
    outcomes.push(result.error ? { workflowId: result.workflowId, ok: false, explanation: explainReplayFailure(result.workflowId, result.error) } : { workflowId: result.workflowId, ok: true });
  }
  return outcomes;
}

const SAVED_FORMAT = 'protobufjs-object';
const TO_OBJECT = { longs: String, enums: String, bytes: String, defaults: false } as const;

/**
 * Converts a history to the form test/replay/record.ts saves: its protobufjs object. In
 * @temporalio/common 1.24, historyToJSON throws "type must be a Type" on a history fetched by
 * the client, so proto3 JSON is not used.
 */
export function historyToSavedObject(history: History): { format: string; history: unknown } {
  const message = temporal.api.history.v1.History.fromObject(history as Record<string, unknown>);
  return { format: SAVED_FORMAT, history: temporal.api.history.v1.History.toObject(message, TO_OBJECT) };
}

/** Reads a history saved by test/replay/record.ts or by `temporal workflow show --output json`. */
export function readHistoryFile(file: string): HistoryToReplay {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserError(`Cannot read history file ${file} as JSON: ${(error as Error).message}`);
  }
  // Files of the form `{ workflowId, history }` contain the protobufjs object, as record.ts and
  // the workflow tests write them. A bare `{ events }` is proto3 JSON from the temporal CLI.
  const saved = json as { workflowId?: string; format?: string; history?: unknown };
  const history =
    saved.format === SAVED_FORMAT || (saved.workflowId !== undefined && saved.history !== undefined)
      ? temporal.api.history.v1.History.fromObject(saved.history as Record<string, unknown>)
      : historyFromJSON(json);
  return { workflowId: saved.workflowId ?? path.basename(file, '.json'), history };
}

/** Fetches the run's history and, with `children`, the histories of every child workflow it started, recursively. */
export async function fetchHistories(client: Client, workflowId: string, options: { runId?: string; children: boolean }): Promise<HistoryToReplay[]> {
  const histories: HistoryToReplay[] = [];
  const pending: Array<{ workflowId: string; runId?: string }> = [{ workflowId, runId: options.runId }];
  while (pending.length > 0) {
    const execution = pending.shift()!;
    let history: History;
    try {
      history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    } catch (error) {
      if ((error as Error).name === 'WorkflowNotFoundError') throw new UserError(`No workflow with id "${execution.workflowId}" in namespace ${client.options.namespace}.`);
      throw error;
    }
    histories.push({ workflowId: execution.workflowId, history });
    if (!options.children) continue;
    for (const event of history.events ?? []) {
      const child = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
      if (child?.workflowId) pending.push({ workflowId: child.workflowId, runId: child.runId ?? undefined });
    }
  }
  return histories;
}

interface ReplayCommandOptions {
  runId?: string;
  children: boolean;
  history?: string[];
  workflows?: string;
}

async function replay(workflowId: string | undefined, options: ReplayCommandOptions): Promise<void> {
  installRuntimeLogging();
  let histories: HistoryToReplay[];
  if (options.history && options.history.length > 0) {
    histories = options.history.map(readHistoryFile);
  } else {
    if (!workflowId) throw new UserError('Missing <workflowId>: name the run to replay, or pass --history <file.json>.');
    const client = await connectClient({ startLocalServer: false });
    try {
      histories = await fetchHistories(client, workflowId, options);
    } finally {
      await client.connection.close();
    }
  }

  const outcomes = await replayHistories(histories, { workflowsPath: options.workflows ? path.resolve(options.workflows) : undefined });
  for (const outcome of outcomes) console.log(outcome.ok ? `ok      ${outcome.workflowId}` : `FAILED  ${outcome.workflowId}`);
  const failed = outcomes.filter((outcome) => !outcome.ok);
  if (failed.length > 0) throw new UserError(failed.map((outcome) => outcome.explanation).join('\n'));
  console.log(`Replayed ${outcomes.length} ${outcomes.length === 1 ? 'history' : 'histories'} against the current workflow code: deterministic.`);
}

export function replayCommand(): Command {
  return new Command('replay')
    .description('Replay a run\'s history against the current workflow code; exits non-zero on nondeterminism')
    .argument('[workflowId]', 'the run to fetch from the server')
    .option('--run-id <runId>', 'a specific run of the workflow id (default: the latest)')
    .option('--children', 'also replay every child workflow the run started', false)
    .option('--history <file.json...>', 'replay saved history files instead of fetching from the server')
    .option('--workflows <file.ts>', 'workflow entry file to replay against (default: workflows/index.ts)')
    .action(replay);
}
