// Writes `dataset.manifest.json` beside a synthetic dataset: its shards with digests and record
// counts, and the decontamination record when the dataset went through decontamination.
import { DatasetManifest, WriteDatasetManifestInput } from '../../schemas/dataset';
import { allShardUris } from '../../schemas/shard-set';
import { describeFile } from '../near-dedup/manifest';
import { writeManifest } from '../manifest/store';
import { readJsonlLines } from '../shards/jsonl-reader';
import { readDecontaminationRecord } from './decontamination-record';

async function countRecords(uri: string): Promise<number> {
  let records = 0;
  for await (const _line of readJsonlLines(uri)) records += 1;
  return records;
}

export async function writeDatasetManifest(rawInput: WriteDatasetManifestInput): Promise<{ manifestUri: string; records: number }> {
  const input = WriteDatasetManifestInput.parse(rawInput);
  const shards: DatasetManifest['shards'] = [];
  for (const uri of allShardUris(input.shards)) {
    const file = await describeFile(uri);
    shards.push({ uri, sha256: file.sha256, bytes: file.bytes, records: await countRecords(uri) });
  }
  const manifest: DatasetManifest = {
    kind: 'dataset',
    dataset: input.dataset,
    workflowId: input.workflowId,
    shards,
    records: shards.reduce((sum, shard) => sum + shard.records, 0),
    decontamination: input.decontaminationManifestUri ? await readDecontaminationRecord(input.decontaminationManifestUri) : undefined,
    createdAt: new Date().toISOString(),
  };
  await writeManifest(input.manifestUri, DatasetManifest.parse(manifest));
  return { manifestUri: input.manifestUri, records: manifest.records };
}
