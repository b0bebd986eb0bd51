// `corpusflow rerun <workflowId>`: continues a run that failed, timed out, was cancelled or was
// terminated, once its cause is fixed. `reset` rewinds the run (Temporal reset) to the workflow
// task that started the first failed activity or child workflow. `fresh` starts a new run with
// the same input. Either way finished shards are not recomputed, because every shard
// activity skips a shard whose manifest matches its config hash and input sha256.
import { randomUUID } from 'node:crypto';
import { Command, Option } from 'commander';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { UserError } from '../errors';
import { renderSummary } from '../summary';
import { connectClient, workflowUrl } from '../temporal';
import { describeRun, watchPipeline } from '../watch';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export type RerunMode = 'auto' | 'reset' | 'fresh';

const RERUNNABLE = ['FAILED', 'TIMED_OUT', 'CANCELLED', 'TERMINATED'];

export interface RerunResult {
  mode: 'reset' | 'fresh';
  workflowId: string;
  runId: string;
  /** For a reset: the WorkflowTaskCompleted event the run was rewound to. */
  resetEventId?: number;
  handle: WorkflowHandle;
}

/** Returns the id of the event that scheduled (or initiated) a failed activity or child workflow, if any. */
function failedCommandEventId(event: HistoryEvent): number | undefined {
  const activity =
    event.activityTaskFailedEventAttributes ?? event.activityTaskTimedOutEventAttributes ?? event.activityTaskCanceledEventAttributes;
  if (activity?.scheduledEventId != null) return Number(activity.scheduledEventId);
  const child =
    event.childWorkflowExecutionFailedEventAttributes ??
    event.childWorkflowExecutionTimedOutEventAttributes ??
    event.childWorkflowExecutionCanceledEventAttributes ??
    event.childWorkflowExecutionTerminatedEventAttributes;
  if (child?.initiatedEventId != null) return Number(child.initiatedEventId);
  return undefined;
}

/**
 * Picks the reset point: the WorkflowTaskCompleted event whose commands started the first
 * activity or child workflow that failed. Without one (the workflow code itself failed, or the
 * run was cancelled or terminated between tasks), the last WorkflowTaskCompleted event.
 */
export function findResetEventId(events: HistoryEvent[]): number {
  const byId = new Map(events.map((event) => [Number(event.eventId), event]));
  for (const event of events) {
    const commandEventId = failedCommandEventId(event);
    if (commandEventId === undefined) continue;
    const command = byId.get(commandEventId);
    const taskCompleted = command?.activityTaskScheduledEventAttributes?.workflowTaskCompletedEventId ?? command?.startChildWorkflowExecutionInitiatedEventAttributes?.workflowTaskCompletedEventId;
    if (taskCompleted != null) return Number(taskCompleted);
  }
  const lastTask = events.filter((event) => event.workflowTaskCompletedEventAttributes).at(-1);
  if (!lastTask) throw new UserError('The run has no completed workflow task to reset to; rerun it with --mode fresh.');
  return Number(lastTask.eventId);
}

async function resetRun(client: Client, workflowId: string, runId: string, events: HistoryEvent[]): Promise<RerunResult> {
  const resetEventId = findResetEventId(events);
  // protobufjs encodes a plain number where the generated type expects a Long.
  const request = {
    namespace: client.options.namespace,
    workflowExecution: { workflowId, runId },
    reason: `corpusflow rerun: reset to event ${resetEventId}`,
    workflowTaskFinishEventId: resetEventId,
    requestId: randomUUID(),
  } as unknown as temporal.api.workflowservice.v1.IResetWorkflowExecutionRequest;
  const response: temporal.api.workflowservice.v1.IResetWorkflowExecutionResponse = await client.workflowService.resetWorkflowExecution(request);
  const newRunId = response.runId ?? '';
  return { mode: 'reset', workflowId, runId: newRunId, resetEventId, handle: client.workflow.getHandle(workflowId, newRunId) };
}

async function startFresh(client: Client, workflowId: string, events: HistoryEvent[], newWorkflowId?: string): Promise<RerunResult> {
  const started = events[0]?.workflowExecutionStartedEventAttributes;
  if (!started?.workflowType?.name || !started.taskQueue?.name) throw new UserError(`The history of ${workflowId} has no start event; cannot rerun it.`);
  // Only the first argument is the user's input: a run that continued as new also carries its progress.
  const payload = started.input?.payloads?.[0];
  const input: unknown = payload ? defaultPayloadConverter.fromPayload(payload) : {};
  const id = newWorkflowId ?? `${workflowId}-rerun-${Date.now().toString(36)}`;
  const handle = await client.workflow.start(started.workflowType.name, { taskQueue: started.taskQueue.name, workflowId: id, args: [input] });
  return { mode: 'fresh', workflowId: id, runId: handle.firstExecutionRunId, handle };
}

export async function rerunWorkflow(client: Client, workflowId: string, options: { mode: RerunMode; newWorkflowId?: string }): Promise<RerunResult> {
  const { handle, description } = await describeRun(client, workflowId);
  const status = description.status.name;
  // auto: a completed run can only be repeated fresh; a failed or cancelled one is reset.
  let mode = options.mode;
  if (mode === 'auto') mode = status === 'COMPLETED' ? 'fresh' : 'reset';
  if (mode === 'reset' && !RERUNNABLE.includes(status)) {
    throw new UserError(`Run ${workflowId} is ${status}; only a run that ended ${RERUNNABLE.join(', ')} can be reset. Use --mode fresh to start a new run with the same input.`);
  }
  if (status === 'RUNNING') throw new UserError(`Run ${workflowId} is still running; wait for it or cancel it first.`);

  const history = await client.workflow.getHandle(workflowId, description.runId).fetchHistory();
  const events = history.events ?? [];
  return mode === 'reset' ? resetRun(client, handle.workflowId, description.runId, events) : startFresh(client, workflowId, events, options.newWorkflowId);
}

interface RerunCommandOptions {
  mode: RerunMode;
  id?: string;
  wait: boolean;
}

async function rerun(workflowId: string, options: RerunCommandOptions): Promise<void> {
  const client = await connectClient({ startLocalServer: false });
  try {
    const result = await rerunWorkflow(client, workflowId, { mode: options.mode, newWorkflowId: options.id });
    const action = result.mode === 'reset' ? `reset to event ${result.resetEventId} as run ${result.runId}` : `started as ${result.workflowId}`;
    console.error(`Rerun of ${workflowId} ${action}; finished shards are reused from their manifests.\n  watch it in the Temporal UI: ${workflowUrl(client.options.namespace, result.workflowId)}`);
    if (!options.wait) return;
    const description = await result.handle.describe();
    if (description.type === 'pipeline') {
      console.log(renderSummary(await watchPipeline(result.handle, { showProgress: process.stderr.isTTY })));
    } else {
      console.log(JSON.stringify(await result.handle.result(), null, 2));
    }
  } finally {
    await client.connection.close();
  }
}

export function rerunCommand(): Command {
  return new Command('rerun')
    .description('Continue a failed, timed-out, cancelled or terminated run once its cause is fixed; finished shards are not recomputed')
    .argument('<workflowId>', 'the run to continue')
    .addOption(
      new Option('--mode <mode>', 'reset: rewind the run to the task that started the first failed activity or child; fresh: start a new run with the same input; auto: reset unless the run completed')
        .choices(['auto', 'reset', 'fresh'])
        .default('auto'),
    )
    .option('--id <workflowId>', 'workflow id of the new run with --mode fresh (default: <workflowId>-rerun-<time>)')
    .option('--no-wait', 'return once the rerun has started')
    .action(rerun);
}
