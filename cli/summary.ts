// Renders a pipeline summary as tables for the terminal.
import Table from 'cli-table3';
import type { PipelineSummary } from '../schemas/pipeline';

// No colours: the summary is often piped into files and CI logs.
const plain = { head: [], border: [] };

function percent(part: number, whole: number): string {
  return whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`;
}

export function renderSummary(summary: PipelineSummary): string {
  const lines: string[] = [];
  lines.push(`Input:  ${summary.input} (${summary.inputFiles} files, ${summary.shardCount} shards)`);
  lines.push(`Output: ${summary.output}`);
  lines.push(`Manifest: ${summary.manifestUri}`);
  const skipped = Object.entries(summary.skippedFiles);
  if (skipped.length > 0) lines.push(`Files not read: ${skipped.map(([reason, count]) => `${reason} ${count}`).join(', ')}`);

  const stages = new Table({ style: plain, head: ['stage', 'records', 'kept', 'dropped', 'kept %', 'shards from manifest'] });
  for (const stage of summary.stages) {
    stages.push([stage.stage, stage.stats.total, stage.stats.kept, stage.stats.dropped, percent(stage.stats.kept, stage.stats.total), `${stage.manifestHits}/${stage.shards}`]);
  }
  lines.push(stages.toString());

  const reasons = new Table({ style: plain, head: ['stage', 'reason', 'count', 'share of records'] });
  for (const stage of summary.stages) {
    for (const [reason, count] of Object.entries(stage.stats.droppedByReason).sort((a, b) => b[1] - a[1])) {
      reasons.push([stage.stage, `dropped: ${reason}`, count, percent(count, stage.stats.total)]);
    }
    for (const [reason, count] of Object.entries(stage.stats.skippedByReason ?? {}).sort((a, b) => b[1] - a[1])) {
      reasons.push([stage.stage, `skipped: ${reason}`, count, '-']);
    }
  }
  if (reasons.length > 0) lines.push(reasons.toString());
  lines.push(`Documents written: ${summary.documents}`);
  return lines.join('\n');
}
