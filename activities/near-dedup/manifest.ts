// Completion markers for per-shard outputs. An output exists if and only if its manifest exists,
// so data files are written first and the manifest last. A retried activity that finds a
// manifest with the same inputs (by sha256), config hash and code version skips its work.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { StageStats } from '../../schemas/stats';
import { storageFor } from '../storage';
import { canonicalJson } from '../manifest/hash';

/** Bumped when a change to the code alters the bytes a stage writes for the same input. */
export const CODE_VERSION = 'near-dedup-decontaminate/3';

export const ManifestFile = z.object({
  uri: z.string(),
  sha256: z.string(),
  bytes: z.number().int().nonnegative(),
  records: z.number().int().nonnegative().optional(),
});
export type ManifestFile = z.infer<typeof ManifestFile>;

export const StageManifest = z.object({
  stage: z.string(),
  codeVersion: z.string(),
  configHash: z.string(),
  inputs: z.array(ManifestFile),
  outputs: z.array(ManifestFile),
  stats: StageStats.optional(),
  details: z.record(z.string(), z.unknown()).default({}).describe('Stage-specific facts, such as the benchmark sets used'),
  createdAt: z.string(),
});
export type StageManifest = z.infer<typeof StageManifest>;

export function configHash(config: unknown): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
}

/** sha256 and size of a stored object, streamed. */
export async function describeFile(uri: string, records?: number): Promise<ManifestFile> {
  const storage = await storageFor(uri);
  const stream = await storage.openRead(uri);
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { uri, sha256: hash.digest('hex'), bytes, records };
}

/**
 * Returns the manifest at `manifestUri` when this code version wrote it for the same config and
 * input hashes and every output it lists still exists. Returns undefined otherwise.
 */
export async function findMatchingManifest(manifestUri: string, inputs: ManifestFile[], hash: string): Promise<StageManifest | undefined> {
  const storage = await storageFor(manifestUri);
  if (!(await storage.stat(manifestUri))) return undefined;
  const parsed = StageManifest.safeParse(JSON.parse((await storage.readBytes(manifestUri)).toString('utf8')));
  if (!parsed.success) return undefined;
  const manifest = parsed.data;
  if (manifest.codeVersion !== CODE_VERSION || manifest.configHash !== hash) return undefined;
  const sameInputs =
    manifest.inputs.length === inputs.length &&
    manifest.inputs.every((input, i) => input.uri === inputs[i]!.uri && input.sha256 === inputs[i]!.sha256);
  if (!sameInputs) return undefined;
  for (const output of manifest.outputs) {
    const info = await (await storageFor(output.uri)).stat(output.uri);
    if (!info || info.size !== output.bytes) return undefined;
  }
  return manifest;
}

export async function writeManifest(manifestUri: string, manifest: Omit<StageManifest, 'createdAt' | 'codeVersion' | 'details'> & { details?: Record<string, unknown> }): Promise<StageManifest> {
  const complete: StageManifest = { ...manifest, details: manifest.details ?? {}, codeVersion: CODE_VERSION, createdAt: new Date().toISOString() };
  const storage = await storageFor(manifestUri);
  await storage.write(manifestUri, JSON.stringify(complete, null, 2) + '\n');
  return complete;
}
