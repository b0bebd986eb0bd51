// Follows a running pipeline: a progress bar fed by the workflow's `progress` query, then the
// result or the failure in plain words.
import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { SingleBar, Presets } from 'cli-progress';
import type { PipelineProgress, PipelineSummary } from '../schemas/pipeline';
import { UserError } from './errors';

const POLL_MS = 500;

export async function watchPipeline(handle: WorkflowHandle, options: { showProgress: boolean }): Promise<PipelineSummary> {
  const bar = options.showProgress
    ? new SingleBar(
        { format: '{stage} |{bar}| {value}/{total} shards | kept {kept} dropped {dropped} | from manifest {hits}', hideCursor: true, clearOnComplete: false },
        Presets.shades_classic,
      )
    : undefined;
  let started = false;
  let finished = false;

  const poll = async () => {
    while (!finished) {
      try {
        const progress = await handle.query<PipelineProgress>('progress');
        const payload = { stage: progress.stage.padEnd(7), kept: progress.kept, dropped: progress.dropped, hits: progress.manifestHits };
        if (bar && !started) {
          bar.start(Math.max(progress.shardsTotal, 1), progress.shardsDone, payload);
          started = true;
        } else if (bar) {
          bar.setTotal(Math.max(progress.shardsTotal, 1));
          bar.update(progress.shardsDone, payload);
        }
      } catch {
        // The query fails while the workflow has not run its first task yet, or after it closed.
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  };
  const polling = poll();

  try {
    return (await handle.result()) as PipelineSummary;
  } catch (error) {
    throw new UserError(`Run ${handle.workflowId} failed: ${failureMessage(error)}`);
  } finally {
    finished = true;
    await polling;
    bar?.stop();
  }
}

/** The innermost cause of a workflow failure, which is the message a person can act on. */
export function failureMessage(error: unknown): string {
  let current: unknown = error instanceof WorkflowFailedError ? error.cause : error;
  const messages: string[] = [];
  while (current instanceof Error) {
    if (current.message) messages.push(current.message);
    current = (current as { cause?: unknown }).cause;
  }
  return messages.at(-1) ?? String(error);
}

export async function describeRun(client: Client, workflowId: string) {
  const handle = client.workflow.getHandle(workflowId);
  try {
    return { handle, description: await handle.describe() };
  } catch (error) {
    if ((error as Error).name === 'WorkflowNotFoundError') throw new UserError(`No workflow with id "${workflowId}" in namespace ${client.options.namespace}.`);
    throw error;
  }
}
