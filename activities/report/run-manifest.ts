// The last activity of a run: gathers every shard manifest into the run manifest, which is
// the run's completion marker and what a trainer or a later stage reads.
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { RunManifest, ShardManifest } from '../../schemas/manifest';
import { emptyStats, addStats } from '../../schemas/stats';
import { joinUri, normalizeUri } from '../storage';
import { stageShardPaths } from '../shards/paths';
import { codeVersion } from '../manifest/code-version';
import { readManifest, writeManifest } from '../manifest/store';

export const WriteRunManifestInput = z.object({
  workflowId: z.string(),
  input: z.string(),
  output: z.string(),
  configHash: z.string(),
  config: z.record(z.string(), z.unknown()),
  stages: z.array(z.object({ stage: z.string(), shardCount: z.number().int().nonnegative(), manifestHits: z.number().int().nonnegative() })),
});
export type WriteRunManifestInput = z.infer<typeof WriteRunManifestInput>;

export const WriteRunManifestOutput = z.object({ manifestUri: z.string(), documents: z.number().int().nonnegative() });

export async function writeRunManifest(rawInput: WriteRunManifestInput): Promise<z.infer<typeof WriteRunManifestOutput>> {
  const params = WriteRunManifestInput.parse(rawInput);
  const outputUri = normalizeUri(params.output);
  const stages: RunManifest['stages'] = [];
  for (const stage of params.stages) {
    const stats = emptyStats();
    const shards: RunManifest['stages'][number]['shards'] = [];
    for (let index = 0; index < stage.shardCount; index += 1) {
      const uri = stageShardPaths(outputUri, stage.stage, index).manifest;
      const manifest = await readManifest(uri, ShardManifest);
      if (!manifest) {
        throw ApplicationFailure.nonRetryable(`Shard manifest missing or invalid: ${uri} (stage ${stage.stage}, shard ${index}). Rerun the stage.`, 'ShardManifestMissing');
      }
      addStats(stats, manifest.stats);
      shards.push({ manifest: uri, documents: manifest.outputs.documents, rejected: manifest.outputs.rejected });
    }
    stages.push({ stage: stage.stage, shards, stats, manifestHits: stage.manifestHits });
  }

  const manifest: RunManifest = {
    kind: 'run',
    workflowId: params.workflowId,
    input: params.input,
    output: outputUri,
    configHash: params.configHash,
    codeVersion: codeVersion(),
    config: params.config,
    stages,
    llmUsage: { requests: 0, promptTokens: 0, completionTokens: 0, costUsd: 0 },
    createdAt: new Date().toISOString(),
  };
  const manifestUri = joinUri(outputUri, 'manifest.json');
  await writeManifest(manifestUri, manifest);
  const last = stages.at(-1);
  return { manifestUri, documents: last ? last.stats.kept : 0 };
}
