// The last activity of a run: writes the run manifest, the run's completion marker and what a
// trainer or a later stage reads. It lists every shard manifest of every stage, with the
// digests of the shards that the last stage wrote.
import { z } from 'zod';
import { LlmUsage, OutputFile, RunManifest } from '../../schemas/manifest';
import { StageStats } from '../../schemas/stats';
import { allShardUris, ShardSet } from '../../schemas/shard-set';
import { joinUri, normalizeUri, storageFor } from '../storage';
import { stageShardPaths } from '../shards/paths';
import { codeVersion } from '../manifest/code-version';
import { writeManifest } from '../manifest/store';
import { readDecontaminationRecord } from '../dataset/decontamination-record';

export const WriteRunManifestInput = z.object({
  workflowId: z.string(),
  input: z.string(),
  output: z.string(),
  configHash: z.string(),
  config: z.record(z.string(), z.unknown()),
  stages: z.array(
    z.object({
      stage: z.string(),
      manifestFolder: z.string().optional().describe('Folder of the shard manifests below the output; the stage name by default'),
      shards: z.number().int().nonnegative(),
      manifestHits: z.number().int().nonnegative(),
      stats: StageStats,
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
  finalShards: ShardSet.describe('The documents of the last stage that writes documents'),
  decontaminationManifestUri: z.string().optional().describe('Manifest of the run\'s decontaminate stage, when it ran'),
  llmUsage: LlmUsage.prefault({}),
});
export type WriteRunManifestInput = z.input<typeof WriteRunManifestInput>;

export const WriteRunManifestOutput = z.object({ manifestUri: z.string() });

// Stages write manifests of slightly different shapes; the run manifest only needs the outputs.
const LooseShardManifest = z.object({ outputs: z.object({ documents: OutputFile.partial(), rejected: OutputFile.partial() }).partial() }).passthrough();

async function readOutputs(uri: string) {
  const storage = await storageFor(uri);
  if (!(await storage.stat(uri))) return undefined;
  const parsed = LooseShardManifest.safeParse(JSON.parse((await storage.readBytes(uri)).toString('utf8')));
  return parsed.success ? parsed.data.outputs : undefined;
}

export async function writeRunManifest(rawInput: WriteRunManifestInput): Promise<z.infer<typeof WriteRunManifestOutput>> {
  const params = WriteRunManifestInput.parse(rawInput);
  const outputUri = normalizeUri(params.output);

  const stages: RunManifest['stages'] = [];
  for (const stage of params.stages) {
    const shards: RunManifest['stages'][number]['shards'] = [];
    for (let index = 0; index < stage.shards; index += 1) {
      const manifest = stageShardPaths(outputUri, stage.manifestFolder ?? stage.stage, index).manifest;
      const outputs = await readOutputs(manifest);
      shards.push({ manifest, exists: outputs !== undefined, documents: outputs?.documents, rejected: outputs?.rejected });
    }
    stages.push({ stage: stage.stage, shards, stats: stage.stats, manifestHits: stage.manifestHits, details: stage.details });
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
    finalShards: allShardUris(params.finalShards),
    decontamination: params.decontaminationManifestUri ? await readDecontaminationRecord(params.decontaminationManifestUri) : undefined,
    llmUsage: params.llmUsage,
    createdAt: new Date().toISOString(),
  };
  const manifestUri = joinUri(outputUri, 'manifest.json');
  await writeManifest(manifestUri, manifest);
  return { manifestUri };
}
