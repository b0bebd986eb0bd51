// The summary lines a person reads after a run: decontamination hits and where synthetic
// datasets were published, with or without a decontamination record.
import { describe, expect, it } from 'vitest';
import { renderSummary } from '../../cli/summary';
import type { PipelineSummary } from '../../schemas/pipeline';

const stats = { total: 10, kept: 9, dropped: 1, droppedByReason: { benchmark_ngram_match: 1 }, skippedByReason: {} };

function summaryWith(stages: PipelineSummary['stages']): PipelineSummary {
  return {
    workflowId: 'run-1',
    input: 'file:///in',
    output: 'file:///out',
    configHash: 'c',
    manifestUri: 'file:///out/manifest.json',
    shardCount: 1,
    inputFiles: 1,
    skippedFiles: {},
    stages,
    skippedStages: [],
    documents: 9,
    llmUsage: { requests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 },
  };
}

describe('renderSummary', () => {
  it('lists hits per benchmark and source', () => {
    const text = renderSummary(
      summaryWith([
        {
          stage: 'decontaminate',
          kind: 'corpus',
          shards: 1,
          manifestHits: 0,
          stats,
          details: { benchmarks: ['gsm8k', 'mmlu'], hits: { gsm8k: { web: 1 } }, manifestUri: 'file:///out/decontaminate/decontamination.manifest.json' },
        },
      ]),
    );
    expect(text).toContain('decontaminate: checked against gsm8k, mmlu; audit report in file:///out/decontaminate/report/, stage manifest file:///out/decontaminate/decontamination.manifest.json');
    expect(text).toMatch(/│ gsm8k\s+│ web\s+│ 1\s+│/);
    expect(text).toMatch(/│ mmlu\s+│ -\s+│ 0\s+│/);
  });

  it('shows where synthetic datasets were published', () => {
    const published = (decontaminated: boolean) => ({
      datasetUri: 'file:///out/fim/decontaminate/shard-00000.jsonl.gz',
      datasetManifestUri: 'file:///out/fim/dataset.manifest.json',
      records: 7,
      decontamination: decontaminated ? { manifestUri: 'm', benchmarks: ['humaneval'], checked: 8, removed: 1, hits: {} } : undefined,
    });
    const text = renderSummary(
      summaryWith([
        { stage: 'fim', kind: 'corpus', shards: 1, manifestHits: 0, stats, details: { published: published(true) } },
        { stage: 'instruction-reversal', kind: 'corpus', shards: 1, manifestHits: 0, stats, details: { published: published(false) } },
      ]),
    );
    expect(text).toContain(
      'fim: published 7 records to file:///out/fim/decontaminate/shard-00000.jsonl.gz (decontaminated against humaneval, 1 removed); manifest file:///out/fim/dataset.manifest.json',
    );
    expect(text).toContain('instruction-reversal: published 7 records to file:///out/fim/decontaminate/shard-00000.jsonl.gz (not decontaminated, so training launches reject it)');
  });
});
