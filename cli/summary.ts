// Renders a pipeline summary as tables for the terminal.
import Table from 'cli-table3';
import type { SyntheticPublication } from '../workflows/publish-synthetic';
import type { PipelineSummary } from '../schemas/pipeline';

// No colours: the summary is often piped into files and CI logs.
const plain = { head: [], border: [] };
// No separator line between rows, so long tables stay readable in a terminal.
const compact = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

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

  // Shard stages reuse whole shards; corpus stages reuse individual steps (hashes, buckets, clusters).
  const stages = new Table({ chars: compact, style: plain, head: ['stage', 'records', 'kept', 'dropped', 'kept %', 'reused from manifests'] });
  for (const stage of summary.stages) {
    const reused = stage.kind === 'corpus' ? `${stage.manifestHits} steps` : `${stage.manifestHits}/${stage.shards} shards`;
    stages.push([stage.stage, stage.stats.total, stage.stats.kept, stage.stats.dropped, percent(stage.stats.kept, stage.stats.total), reused]);
  }
  lines.push(stages.toString());

  const reasons = new Table({ chars: compact, style: plain, head: ['stage', 'reason', 'count', 'share of records'] });
  for (const stage of summary.stages) {
    for (const [reason, count] of Object.entries(stage.stats.droppedByReason).sort((a, b) => b[1] - a[1])) {
      reasons.push([stage.stage, `dropped: ${reason}`, count, percent(count, stage.stats.total)]);
    }
    for (const [reason, count] of Object.entries(stage.stats.skippedByReason ?? {}).sort((a, b) => b[1] - a[1])) {
      reasons.push([stage.stage, `skipped: ${reason}`, count, '-']);
    }
  }
  if (reasons.length > 0) lines.push(reasons.toString());
  lines.push(...renderDetails(summary));
  if (summary.skippedStages.length > 0) lines.push(`Stages turned off: ${summary.skippedStages.join(', ')}`);
  lines.push(`Documents written: ${summary.documents}`);
  const usage = summary.llmUsage;
  if (usage && usage.requests > 0) {
    lines.push(`Model calls: ${usage.requests} requests, ${usage.promptTokens} prompt and ${usage.completionTokens} completion tokens, $${usage.costUsd.toFixed(4)}`);
  }
  return lines.join('\n');
}

/** Stage-specific lines: duplicate clusters, and decontamination hits per benchmark and source. */
function renderDetails(summary: PipelineSummary): string[] {
  const lines: string[] = [];
  for (const stage of summary.stages) {
    const details = stage.details ?? {};
    if (stage.stage === 'filter') {
      const byLanguage = (details.byLanguage ?? {}) as Record<string, { kept?: number; dropped?: number }>;
      const languages = Object.entries(byLanguage).sort((a, b) => (b[1].kept ?? 0) + (b[1].dropped ?? 0) - (a[1].kept ?? 0) - (a[1].dropped ?? 0));
      const dropShare = Object.entries(stage.stats.droppedByReason)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([reason, count]) => `${percent(count, stage.stats.total)} ${reason}`);
      lines.push(`filter: kept ${percent(stage.stats.kept, stage.stats.total)}${dropShare.length > 0 ? `: ${dropShare.join(', ')}` : ''}`);
      const perLanguage = languages.map(([language, counts]) => `${language} ${counts.kept ?? 0}/${counts.dropped ?? 0}`);
      if (perLanguage.length > 0) lines.push(`filter: kept/dropped by language: ${perLanguage.join(', ')}`);
    }
    if (stage.stage === 'tokenize') lines.push(`tokenize: ${Number(details.tokens ?? 0).toLocaleString('en-US')} cl100k tokens in Megatron .bin/.idx shards`);
    if (stage.stage === 'mixture') {
      if (details.skipped) lines.push(`mixture: not written, ${details.skipped}`);
      else lines.push(`mixture: manifest ${details.manifestUri ?? '-'}, Megatron --data-path blend ${details.dataPathUri ?? '-'}`);
      for (const warning of (details.warnings ?? []) as string[]) lines.push(`mixture warning: ${warning}`);
    }
    if (stage.stage === 'exact-dedup') lines.push(`exact-dedup: ${details.duplicates ?? 0} exact duplicates removed`);
    if (stage.stage === 'near-dedup') {
      lines.push(`near-dedup: ${details.clusters ?? 0} clusters, ${details.duplicates ?? 0} near duplicates removed (clusters listed in ${details.clustersUri ?? '-'})`);
    }
    if (stage.stage === 'decontaminate') {
      const hits = (details.hits ?? {}) as Record<string, Record<string, number>>;
      const table = new Table({ chars: compact, style: plain, head: ['benchmark', 'source', 'documents removed'] });
      const checked = Array.isArray(details.benchmarks) ? (details.benchmarks as string[]) : [];
      // Every benchmark gets a row, so a clean run shows zero hits rather than nothing.
      for (const benchmark of new Set([...checked, ...Object.keys(hits)])) {
        const bySource = Object.entries(hits[benchmark] ?? {});
        if (bySource.length === 0) table.push([benchmark, '-', 0]);
        for (const [source, count] of bySource) table.push([benchmark, source, count]);
      }
      const benchmarks = checked.length > 0 ? checked.join(', ') : '-';
      const manifestUri = typeof details.manifestUri === 'string' ? details.manifestUri : undefined;
      const reportFolder = manifestUri ? manifestUri.replace(/[^/]*$/, 'report/') : '-';
      lines.push(`decontaminate: checked against ${benchmarks}; audit report in ${reportFolder}, stage manifest ${manifestUri ?? '-'}`);
      if (table.length > 0) lines.push(table.toString());
    }
    if ((stage.stage === 'fim' || stage.stage === 'instruction-reversal') && details.published) {
      const published = details.published as SyntheticPublication;
      const check = published.decontamination
        ? `decontaminated against ${published.decontamination.benchmarks.join(', ')}, ${published.decontamination.removed} removed`
        : 'not decontaminated, so training launches reject it';
      lines.push(`${stage.stage}: published ${published.records} records to ${published.datasetUri} (${check}); manifest ${published.datasetManifestUri}`);
    }
  }
  return lines;
}
