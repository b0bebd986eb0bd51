// `corpusflow status <workflowId>`: the summary of a finished run, or the progress of a running one.
import { Command } from 'commander';
import type { PipelineProgress, PipelineSummary } from '../../schemas/pipeline';
import { UserError } from '../errors';
import { connectClient, workflowUrl } from '../temporal';
import { renderSummary } from '../summary';
import { describeRun, failureMessage } from '../watch';

async function showStatus(workflowId: string): Promise<void> {
  const client = await connectClient({ startLocalServer: false });
  try {
    const { handle, description } = await describeRun(client, workflowId);
    const status = description.status.name;
    console.log(`${workflowId}: ${status} (type ${description.type}, started ${description.startTime.toISOString()})`);
    console.log(`UI: ${workflowUrl(client.options.namespace, workflowId)}`);
    if (status === 'RUNNING') {
      const progress = await handle.query<PipelineProgress>('progress');
      console.log(`stage ${progress.stage}: ${progress.shardsDone}/${progress.shardsTotal} shards, kept ${progress.kept}, dropped ${progress.dropped}, from manifest ${progress.manifestHits}`);
      return;
    }
    if (status === 'COMPLETED') {
      console.log(renderSummary((await handle.result()) as PipelineSummary));
      return;
    }
    try {
      await handle.result();
    } catch (error) {
      throw new UserError(`Run ${workflowId} ended ${status}: ${failureMessage(error)}`);
    }
  } finally {
    await client.connection.close();
  }
}

export function statusCommand(): Command {
  return new Command('status')
    .description('Show the summary of a run, or its progress while it runs')
    .argument('<workflowId>', 'the id printed by "corpusflow run"')
    .action(showStatus);
}
