// The `selectNewInputs` activity finds the input files that no published version has processed
// yet, by comparing the input folder with the watermark of the latest version. It stages copies
// of them as the pipeline's input, under their relative paths so document ids match a full run.
import { existsSync } from 'node:fs';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import picomatch from 'picomatch';
import { LatestPointer, SelectNewInputsInput, VersionManifest, WatermarkEntry } from '../../schemas/refresh';
import type { SelectNewInputsOutput } from '../../schemas/refresh';
import { readManifest } from '../manifest/store';
import { sha256OfUri } from '../manifest/hash';
import { readJsonlRecords } from '../shards/jsonl-reader';
import { JsonlShardWriter } from '../shards/jsonl-writer';
import { joinUri, localPath, normalizeUri, schemeOf, storageFor, type ObjectInfo } from '../storage';
import { latestUri, versionPaths } from './layout';

const HEARTBEAT_EVERY_FILES = 200;

export async function readLatest(output: string): Promise<LatestPointer | undefined> {
  return readManifest(latestUri(output), LatestPointer);
}

/** Reads the watermark of a published version, keyed by relative path. */
export async function readWatermark(manifest: VersionManifest): Promise<Map<string, WatermarkEntry>> {
  const entries = new Map<string, WatermarkEntry>();
  for await (const record of readJsonlRecords(manifest.watermark.uri)) {
    const entry = WatermarkEntry.parse(record);
    entries.set(entry.path, entry);
  }
  return entries;
}

export async function readVersionManifest(output: string, version: number): Promise<VersionManifest> {
  const uri = versionPaths(output, version).manifest;
  const manifest = await readManifest(uri, VersionManifest);
  if (!manifest) {
    throw ApplicationFailure.nonRetryable(`Version manifest missing or invalid: ${uri}. The dataset at ${output} is incomplete; restore it from a backup.`, 'VersionManifestMissing');
  }
  return manifest;
}

export async function selectNewInputs(rawInput: SelectNewInputsInput): Promise<SelectNewInputsOutput> {
  const params = SelectNewInputsInput.parse(rawInput);
  const context = Context.current();
  const inputRoot = normalizeUri(params.input).replace(/\/+$/, '');
  const output = normalizeUri(params.output);

  const latest = await readLatest(output);
  const previous = latest ? await readWatermark(await readVersionManifest(output, latest.version)) : new Map<string, WatermarkEntry>();
  const version = (latest?.version ?? 0) + 1;
  const paths = versionPaths(output, version);

  const selected: WatermarkEntry[] = [];
  let knownFiles = 0;
  let seen = 0;
  for (const file of await listInputFiles(inputRoot, output, params.exclude)) {
    seen += 1;
    if (seen % HEARTBEAT_EVERY_FILES === 0) context.heartbeat({ phase: 'compare with the watermark', filesSeen: seen, newFiles: selected.length });
    const entry = await compareWithWatermark(file, inputRoot, previous);
    if (entry) selected.push(entry);
    else knownFiles += 1;
  }

  await stageFiles(selected, inputRoot, paths.stagedInput);
  const list = await JsonlShardWriter.open(paths.selection);
  for (const entry of selected) await list.write(entry);
  await list.close();

  context.log.info('New inputs selected', { version, newFiles: selected.length, knownFiles });
  return {
    version,
    previousVersion: latest?.version ?? 0,
    knownFiles,
    newFiles: selected.length,
    newBytes: selected.reduce((sum, entry) => sum + entry.bytes, 0),
    stagedInput: paths.stagedInput,
    pipelineOutput: paths.pipelineOutput,
    selectionUri: paths.selection,
  };
}

async function listInputFiles(inputRoot: string, output: string, exclude: string[]): Promise<ObjectInfo[]> {
  const storage = await storageFor(inputRoot);
  const excluded = exclude.length > 0 ? picomatch(exclude, { dot: true }) : () => false;
  const outputPrefix = output.replace(/\/+$/, '') + '/';
  const files: ObjectInfo[] = [];
  for await (const file of storage.list(inputRoot)) {
    // The dataset may live inside the input folder; never read it back as input.
    if (file.uri.startsWith(outputPrefix)) continue;
    if (excluded(relativePath(inputRoot, file.uri))) continue;
    files.push(file);
  }
  if (files.length === 0 && schemeOf(inputRoot) === 'file' && !existsSync(localPath(inputRoot))) {
    throw ApplicationFailure.nonRetryable(`Input not found: ${inputRoot}. Pass a folder or s3:// prefix that exists.`, 'InputNotFound');
  }
  return files;
}

function relativePath(inputRoot: string, uri: string): string {
  return uri.slice(inputRoot.length + 1);
}

/**
 * Returns the file's watermark entry when it is new or changed, or undefined when the previous
 * watermark already has it. Size and modification time decide cheaply; the sha256 decides when
 * only the time changed (a copy or a touch does not make a file new).
 */
async function compareWithWatermark(file: ObjectInfo, inputRoot: string, previous: Map<string, WatermarkEntry>): Promise<WatermarkEntry | undefined> {
  const path = relativePath(inputRoot, file.uri);
  const before = previous.get(path);
  if (before && before.bytes === file.size && before.modifiedMs !== undefined && before.modifiedMs === file.modifiedMs) return undefined;
  const { sha256, bytes } = await sha256OfUri(file.uri);
  if (before && before.sha256 === sha256) return undefined;
  return { path, bytes, modifiedMs: file.modifiedMs, sha256 };
}

/**
 * Copies the selected files into the work area and removes staged files that are no longer
 * selected. A retry copies only what is missing, so a rerun's pipeline finds its shard
 * manifests still matching.
 */
async function stageFiles(selected: WatermarkEntry[], inputRoot: string, stagedInput: string): Promise<void> {
  const context = Context.current();
  const target = await storageFor(stagedInput);
  const wanted = new Map(selected.map((entry) => [joinUri(stagedInput, entry.path), entry]));

  for await (const staged of target.list(stagedInput)) {
    if (!wanted.has(staged.uri)) await target.delete(staged.uri);
  }

  const source = await storageFor(inputRoot);
  let copied = 0;
  for (const [uri, entry] of wanted) {
    const existing = await target.stat(uri);
    if (existing && existing.size === entry.bytes && (await sha256OfUri(uri)).sha256 === entry.sha256) continue;
    await target.write(uri, await source.openRead(joinUri(inputRoot, entry.path)));
    copied += 1;
    context.heartbeat({ phase: 'stage new inputs', copied, total: wanted.size, file: entry.path });
  }
}
