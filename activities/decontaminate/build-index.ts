// Phase 1 of decontamination: load every configured benchmark set and write its n-gram index.
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { BuildBenchmarkIndexInput, BuildBenchmarkIndexOutput } from '../../schemas/decontaminate';
import type { DecontaminateOptions, IndexedBenchmark } from '../../schemas/decontaminate';
import { configHash, findMatchingManifest, writeManifest } from '../near-dedup/manifest';
import { storageFor } from '../storage';
import { loadBenchmark } from './benchmark-files';
import { benchmarkIndexManifestUri, benchmarkIndexUri } from './layout';
import { addItem, dropTemplateNgrams } from './ngram-index';
import type { NgramIndex } from './ngram-index';

/** The index as stored: items by position and [key, ...item positions] rows per n-gram size. */
interface StoredIndex {
  configHash: string;
  sizes: NgramIndex['sizes'];
  items: { benchmark: string; id: string }[];
  long: number[][];
  short: number[][];
}

export interface LoadedIndex {
  index: NgramIndex;
  items: StoredIndex['items'];
}

/** Selects the options that decide the index's content, for its config hash. */
export function indexConfig(options: DecontaminateOptions) {
  const { benchmarkRoot, benchmarks, longNgram, shortNgram, maxItemsPerNgram } = options;
  return { benchmarkRoot, benchmarks, longNgram, shortNgram, maxItemsPerNgram };
}

export async function buildBenchmarkIndex(rawInput: BuildBenchmarkIndexInput): Promise<BuildBenchmarkIndexOutput> {
  const input = BuildBenchmarkIndexInput.parse(rawInput);
  const { options } = input;
  const loaded = await Promise.all(options.benchmarks.map((set) => loadBenchmark(set, options.benchmarkRoot)));
  const hash = configHash(indexConfig(options));
  const inputs = loaded.flatMap((set) =>
    set.files.map((file) => ({ uri: file.uri, bytes: file.bytes.length, sha256: createHash('sha256').update(file.bytes).digest('hex') })),
  );
  const indexUri = benchmarkIndexUri(input.outputUri);
  const manifestUri = benchmarkIndexManifestUri(input.outputUri);
  const existing = await findMatchingManifest(manifestUri, inputs, hash);
  if (existing) return { ...(existing.details as Omit<BuildBenchmarkIndexOutput, 'skipped'>), skipped: true };

  const index: NgramIndex = { sizes: { longNgram: options.longNgram, shortNgram: options.shortNgram }, long: new Map(), short: new Map(), shortItemCounts: new Map() };
  const items: StoredIndex['items'] = [];
  const benchmarks: IndexedBenchmark[] = [];
  for (const set of loaded) {
    const counts = { longNgrams: 0, shortNgrams: 0, textsTooShort: 0, lowInformationNgrams: 0 };
    for (const item of set.items) {
      const added = addItem(index, item, items.length);
      items.push({ benchmark: item.benchmark, id: item.id });
      counts.longNgrams += added.longNgrams;
      counts.shortNgrams += added.shortNgrams;
      counts.textsTooShort += added.textsTooShort;
      counts.lowInformationNgrams += added.lowInformationNgrams;
    }
    const files = inputs.filter((file) => set.files.some((loadedFile) => loadedFile.uri === file.uri));
    benchmarks.push({ name: set.name, files, items: set.items.length, ...counts });
  }
  const templateNgrams = dropTemplateNgrams(index, options.maxItemsPerNgram);

  const stored: StoredIndex = {
    configHash: hash,
    sizes: index.sizes,
    items,
    long: [...index.long].map(([key, owners]) => [key, ...owners]),
    short: [...index.short].map(([key, owners]) => [key, ...owners]),
  };
  const written = await (await storageFor(indexUri)).write(indexUri, gzipSync(JSON.stringify(stored)));
  const details = { indexUri, configHash: hash, benchmarks, templateNgrams };
  await writeManifest(manifestUri, {
    stage: 'decontaminate/benchmark-index',
    configHash: hash,
    inputs,
    outputs: [{ ...written, records: index.long.size + index.short.size }],
    details,
  });
  return { ...details, skipped: false };
}

// Each worker process parses an index once; scan activities of the same run share it.
const cache = new Map<string, Promise<LoadedIndex>>();

export function loadBenchmarkIndex(indexUri: string, hash: string): Promise<LoadedIndex> {
  const cacheKey = `${indexUri}#${hash}`;
  let loading = cache.get(cacheKey);
  if (!loading) {
    loading = readIndex(indexUri, hash);
    loading.catch(() => cache.delete(cacheKey));
    if (cache.size >= 4) cache.delete(cache.keys().next().value!);
    cache.set(cacheKey, loading);
  }
  return loading;
}

async function readIndex(indexUri: string, hash: string): Promise<LoadedIndex> {
  const stored = JSON.parse(gunzipSync(await (await storageFor(indexUri)).readBytes(indexUri)).toString('utf8')) as StoredIndex;
  if (stored.configHash !== hash) {
    throw new Error(`Benchmark index ${indexUri} has config hash ${stored.configHash}, expected ${hash}: rebuild it with buildBenchmarkIndex`);
  }
  const toMap = (rows: number[][]) => new Map(rows.map(([key, ...owners]) => [key!, owners]));
  return { index: { sizes: stored.sizes, long: toMap(stored.long), short: toMap(stored.short) }, items: stored.items };
}
