// The stage manifest, written last: the benchmark sets (files and sha256) the output was
// decontaminated against, every shard manifest and totals. A dataset without it has not been decontaminated.
import { WriteDecontaminationManifestInput } from '../../schemas/decontaminate';
import { describeFile, writeManifest } from '../near-dedup/manifest';
import { decontaminationOutputPaths, stageManifestUri } from './layout';

export async function writeDecontaminationManifest(rawInput: WriteDecontaminationManifestInput): Promise<string> {
  const input = WriteDecontaminationManifestInput.parse(rawInput);
  const uri = stageManifestUri(input.outputUri);
  const outputs = [];
  for (let shardIndex = 0; shardIndex < input.shardCount; shardIndex += 1) {
    outputs.push(await describeFile(decontaminationOutputPaths(input.outputUri, shardIndex).manifest));
  }
  await writeManifest(uri, {
    stage: 'decontaminate',
    configHash: input.configHash,
    inputs: input.benchmarks.flatMap((benchmark) => benchmark.files),
    outputs,
    stats: input.stats,
    details: { decontaminatedAgainst: input.benchmarks, hits: input.hits, shardCount: input.shardCount },
  });
  return uri;
}
