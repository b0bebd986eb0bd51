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
    const isPipeline = description.type === 'pipeline';
    if (status === 'RUNNING') {
      const progress = await handle.query<PipelineProgress & Record<string, unknown>>('progress').catch(() => undefined);
      if (!progress) console.log('(this workflow type has no progress query)');
      else if (isPipeline) console.log(`stage ${progress.stage}: ${progress.shardsDone}/${progress.shardsTotal} shards, kept ${progress.kept}, dropped ${progress.dropped}, from manifest ${progress.manifestHits}`);
      else console.log(JSON.stringify(progress, null, 2));
      return;
    }
    if (status === 'COMPLETED') {
      const result = await handle.result();
      // Other workflows (nightlyRefresh, nearDedup, ...) return their own result objects.
      console.log(isPipeline ? renderSummary(result as PipelineSummary) : JSON.stringify(result, null, 2));
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
