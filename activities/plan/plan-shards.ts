// The planning activity: lists the input, groups files into shards and writes one small plan
// object per shard, so the workflow history only carries counts (DESIGN rule 1).
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import picomatch from 'picomatch';
import { z } from 'zod';
import { storageFor, joinUri, normalizeUri, schemeOf, localPath } from '../storage';
import type { ObjectInfo } from '../storage';
import { detectInputFormat, supportedExtensions } from '../read/formats';
import type { InputFormat } from '../read/formats';
import { shardName } from '../shards/paths';
import { hashConfig } from '../manifest/hash';
import type { PlanShardsOutput } from '../../schemas/plan';

export const PlanShardsInput = z.object({
  input: z.string(),
  output: z.string(),
  exclude: z.array(z.string()),
  shardSizeBytes: z.number().int().positive(),
  maxFilesPerShard: z.number().int().positive(),
});
export type PlanShardsInput = z.infer<typeof PlanShardsInput>;

export const ShardPlanFile = z.object({ uri: z.string(), size: z.number().int().nonnegative(), format: z.enum(['html', 'warc', 'jsonl']) });
export const ShardPlan = z.object({ shardIndex: z.number().int().nonnegative(), files: z.array(ShardPlanFile) });
export type ShardPlan = z.infer<typeof ShardPlan>;

export { PlanShardsOutput } from '../../schemas/plan';

export function planUri(planPrefix: string, shardIndex: number): string {
  return joinUri(planPrefix, `${shardName(shardIndex)}.json`);
}

/** Splits "dir/*.warc.gz" into the folder to list and the pattern to match below it. */
function splitGlob(input: string): { root: string; pattern?: string } {
  const scan = picomatch.scan(input);
  if (!scan.isGlob) return { root: input };
  return { root: scan.base || '.', pattern: scan.glob };
}

async function listInput(input: string): Promise<{ root: string; files: ObjectInfo[] }> {
  const { root, pattern } = splitGlob(input);
  const rootUri = normalizeUri(root);
  const storage = await storageFor(rootUri);
  const matches = pattern ? picomatch(pattern, { dot: false }) : undefined;
  const files: ObjectInfo[] = [];
  for await (const file of storage.list(rootUri)) {
    if (matches && !matches(relativeTo(rootUri, file.uri))) continue;
    files.push(file);
  }
  return { root: rootUri, files };
}

function relativeTo(rootUri: string, uri: string): string {
  if (uri === rootUri) return path.basename(schemeOf(uri) === 'file' ? localPath(uri) : uri);
  return uri.slice(rootUri.replace(/\/+$/, '').length + 1);
}

export async function planShards(rawInput: PlanShardsInput): Promise<PlanShardsOutput> {
  const params = PlanShardsInput.parse(rawInput);
  const outputUri = normalizeUri(params.output);
  const { root, files } = await listInput(params.input);

  if (files.length === 0) {
    const rootExists = schemeOf(root) === 's3' || (await import('node:fs')).existsSync(localPath(root));
    const message = rootExists
      ? `No input files found under ${params.input} (supported: ${supportedExtensions}). Check the path or the exclude patterns.`
      : `Input not found: ${params.input}. Pass a folder, file, glob or s3:// prefix that exists.`;
    throw ApplicationFailure.nonRetryable(message, rootExists ? 'NoInputFiles' : 'InputNotFound');
  }

  const excluded = params.exclude.length > 0 ? picomatch(params.exclude, { dot: true }) : () => false;
  const outputPrefix = outputUri.replace(/\/+$/, '') + '/';
  const skippedFiles: Record<string, number> = {};
  const accepted: Array<{ uri: string; size: number; format: InputFormat }> = [];
  for (const file of files) {
    if (file.uri.startsWith(outputPrefix)) continue; // never read our own output back in
    if (excluded(relativeTo(root, file.uri))) {
      skippedFiles.excluded = (skippedFiles.excluded ?? 0) + 1;
      continue;
    }
    const format = detectInputFormat(file.uri);
    if (!format) {
      const extension = /\.[^./]+$/.exec(file.uri)?.[0]?.toLowerCase() ?? '(none)';
      const key = `unsupported_extension:${extension}`;
      skippedFiles[key] = (skippedFiles[key] ?? 0) + 1;
      continue;
    }
    accepted.push({ uri: file.uri, size: file.size, format });
  }
  if (accepted.length === 0) {
    throw ApplicationFailure.nonRetryable(
      `None of the ${files.length} files under ${params.input} is a supported input (supported: ${supportedExtensions}; skipped: ${JSON.stringify(skippedFiles)}).`,
      'NoInputFiles',
    );
  }

  const shards = groupIntoShards(accepted, params.shardSizeBytes, params.maxFilesPerShard);
  const planHash = hashConfig(shards);
  const planPrefix = joinUri(outputUri, '_plan', planHash);
  const storage = await storageFor(planPrefix);
  for (const shard of shards) {
    await storage.write(planUri(planPrefix, shard.shardIndex), JSON.stringify(shard));
  }
  return {
    inputUri: root,
    outputUri,
    planPrefix,
    shardCount: shards.length,
    fileCount: accepted.length,
    totalBytes: accepted.reduce((sum, file) => sum + file.size, 0),
    skippedFiles,
    planHash,
  };
}

/** Greedy grouping in listing order, so the same input always gives the same shards. */
export function groupIntoShards(
  files: Array<{ uri: string; size: number; format: InputFormat }>,
  shardSizeBytes: number,
  maxFilesPerShard: number,
): ShardPlan[] {
  const shards: ShardPlan[] = [];
  let current: ShardPlan | undefined;
  let currentBytes = 0;
  for (const file of files) {
    const full = current && (currentBytes + file.size > shardSizeBytes || current.files.length >= maxFilesPerShard);
    if (!current || full) {
      current = { shardIndex: shards.length, files: [] };
      shards.push(current);
      currentBytes = 0;
    }
    current.files.push(file);
    currentBytes += file.size;
  }
  return shards;
}

export async function loadShardPlan(planPrefix: string, shardIndex: number): Promise<ShardPlan> {
  const uri = planUri(planPrefix, shardIndex);
  const storage = await storageFor(uri);
  return ShardPlan.parse(JSON.parse((await storage.readBytes(uri)).toString('utf8')));
}
