// Near-duplicate removal side by side with datatrove 0.10.1's MinHash (bench/dedup_peer.py), on
// the same generated documents, one core each:
//   1. MinHash signatures/s: shingling and signature only, texts already in memory.
//   2. The whole dedup pipeline's docs/s: signatures, buckets, clusters and removal, reading and
//      writing gzip JSON Lines shards (ours calls the activities directly, without Temporal).
//   3. Peak memory of our pipeline per phase on one million generated documents, in a child
//      process, to show that it follows the shard and partition size rather than the corpus.
// Documents are random words from a 20,000-word vocabulary; 5% are copies of an earlier document
// with 2% of their words replaced, so every phase has real work.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildDuplicateClusters } from '../activities/near-dedup/build-clusters';
import { computeShardSignatures } from '../activities/near-dedup/compute-signatures';
import { findBucketCandidates } from '../activities/near-dedup/find-bucket-candidates';
import { MinHasher, seededRandom, shingleHashes } from '../activities/near-dedup/minhash';
import { removeNearDuplicates } from '../activities/near-dedup/remove-near-duplicates';
import { readJsonlRecords } from '../activities/shards/jsonl-reader';
import { JsonlShardWriter } from '../activities/shards/jsonl-writer';
import { NearDedupOptions } from '../schemas/near-dedup';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const python = join(repoRoot, '.venv/bin/python');
const peer = join(repoRoot, 'bench/dedup_peer.py');

interface Corpus {
  shardUris: string[];
  documents: number;
}

/** Streams `documents` generated documents into `shards` gzip JSON Lines shards. */
async function generateCorpus(folder: string, documents: number, shards: number, wordsPerDocument: number, seed: number): Promise<Corpus> {
  const random = seededRandom(seed);
  const vocabulary = Array.from({ length: 20_000 }, (_, i) => `w${i.toString(36)}`);
  const recent: string[][] = [];
  const shardUris: string[] = [];
  const perShard = Math.ceil(documents / shards);
  let written = 0;
  for (let shard = 0; shard < shards; shard += 1) {
    const uri = pathToFileURL(join(folder, `input-${String(shard).padStart(5, '0')}.jsonl.gz`)).href;
    const writer = await JsonlShardWriter.open(uri);
    for (let i = 0; i < perShard && written < documents; i += 1) {
      let words: string[];
      if (recent.length > 0 && random() % 100 < 5) {
        words = [...recent[random() % recent.length]!];
        for (let edit = 0; edit < Math.ceil(words.length * 0.02); edit += 1) words[random() % words.length] = vocabulary[random() % vocabulary.length]!;
      } else {
        words = Array.from({ length: wordsPerDocument }, () => vocabulary[random() % vocabulary.length]!);
        if (recent.length < 1000) recent.push(words);
        else recent[random() % recent.length] = words;
      }
      await writer.write({ id: `doc-${written}`, text: words.join(' '), source: 'bench', metadata: { inputUri: uri, recordIndex: i } });
      written += 1;
    }
    await writer.close();
    shardUris.push(uri);
  }
  return { shardUris, documents: written };
}

async function readTexts(uri: string): Promise<string[]> {
  const texts: string[] = [];
  for await (const record of readJsonlRecords<{ text: string }>(uri)) texts.push(record.text);
  return texts;
}

function runPeer(args: string[]): Record<string, unknown> {
  const result = spawnSync(python, [peer, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`datatrove peer failed (${args[0]}): ${result.stderr.slice(-2000)}`);
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

/** Seconds spent shingling and signing `texts` on one core, texts in memory. */
function timeSignatures(texts: string[]): { shingleSeconds: number; signatureSeconds: number } {
  const options = NearDedupOptions.parse({});
  const hasher = new MinHasher(options.bands * options.rows, options.seed);
  const target = new Uint32Array(options.bands * options.rows);
  hasher.signature(shingleHashes(texts[0]!, options.shingle), target);
  const start = performance.now();
  const shingles = texts.map((text) => shingleHashes(text, options.shingle));
  const middle = performance.now();
  for (const document of shingles) hasher.signature(document, target);
  const end = performance.now();
  return { shingleSeconds: (middle - start) / 1000, signatureSeconds: (end - middle) / 1000 };
}

interface PipelineRun {
  seconds: number;
  removed: number;
  phases: Record<string, number>;
  peakRssMiB: Record<string, number>;
  /** Peak of V8 heap plus array buffers, after a garbage collection at the start of the phase. */
  peakLiveMiB: Record<string, number>;
}

/** Runs our four phases one activity at a time and samples resident memory during each. */
async function runPipeline(corpus: Corpus, outputUri: string): Promise<PipelineRun> {
  const options = NearDedupOptions.parse({});
  const phases: Record<string, number> = {};
  const peakRssMiB: Record<string, number> = {};
  const peakLiveMiB: Record<string, number> = {};
  let removed = 0;
  const measure = async (name: string, work: () => Promise<void>) => {
    (globalThis as { gc?: () => void }).gc?.();
    let rss = 0;
    let live = 0;
    const sample = () => {
      const usage = process.memoryUsage();
      rss = Math.max(rss, usage.rss);
      live = Math.max(live, usage.heapUsed + usage.arrayBuffers);
    };
    sample();
    const sampler = setInterval(sample, 20);
    const start = performance.now();
    await work();
    phases[name] = (performance.now() - start) / 1000;
    clearInterval(sampler);
    sample();
    peakRssMiB[name] = Math.round(rss / 2 ** 20);
    peakLiveMiB[name] = Math.round(live / 2 ** 20);
  };
  const shardCount = corpus.shardUris.length;

  await measure('signatures', async () => {
    for (const [shardIndex, shardUri] of corpus.shardUris.entries()) await computeShardSignatures({ shardUri, shardIndex, outputUri, options });
  });
  await measure('buckets', async () => {
    for (let band = 0; band < options.bands; band += 1) {
      for (let partition = 0; partition < options.partitions; partition += 1) await findBucketCandidates({ outputUri, options, shardCount, band, partition });
    }
  });
  await measure('clusters', async () => {
    await buildDuplicateClusters({ outputUri, options, shardCount });
  });
  await measure('removal', async () => {
    for (const [shardIndex, shardUri] of corpus.shardUris.entries()) {
      removed += (await removeNearDuplicates({ shardUri, shardIndex, outputUri, options })).stats.dropped;
    }
  });
  const seconds = Object.values(phases).reduce((sum, value) => sum + value, 0);
  return { seconds, removed, phases, peakRssMiB, peakLiveMiB };
}

function format(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Child process entry: one million documents through our pipeline, reported as JSON. */
async function runMillion(folder: string): Promise<void> {
  const corpus = await generateCorpus(join(folder, 'million'), 1_000_000, 100, 80, 99);
  const result = await runPipeline(corpus, pathToFileURL(join(folder, 'million-out')).href);
  console.log(JSON.stringify({ documents: corpus.documents, ...result, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
}

export async function run(): Promise<void> {
  const folder = await fs.mkdtemp(join(os.tmpdir(), 'corpusflow-bench-dedup-'));
  try {
    console.log(`near-dedup bench: ${os.cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, one core each`);
    // datatrove's signature step runs spaCy's tokenizer in Python, so its share stays small to keep the bench short.
    const corpus = await generateCorpus(join(folder, 'corpus'), 2_000, 2, 300, 7);

    const texts = await readTexts(corpus.shardUris[0]!);
    const ours = timeSignatures(texts);
    const theirs = runPeer(['signatures', fileURLToPath(corpus.shardUris[0]!)]) as { documents: number; shingleSeconds: number; signatureSeconds: number };
    const rate = (seconds: number) => texts.length / seconds;
    const oursRate = rate(ours.shingleSeconds + ours.signatureSeconds);
    const theirsRate = rate(theirs.shingleSeconds + theirs.signatureSeconds);
    console.log(
      `MinHash signatures/s per core (${format(texts.length)} documents of 300 words, 112 hashes): corpusflow ${format(oursRate)}, ` +
        `datatrove ${format(theirsRate)}, ratio ${format(oursRate / theirsRate, 2)}x`,
    );
    console.log(
      `  signature step alone, shingles given: corpusflow ${format(rate(ours.signatureSeconds))}/s, datatrove ${format(rate(theirs.signatureSeconds))}/s; ` +
        `shingling alone: corpusflow ${format(rate(ours.shingleSeconds))}/s, datatrove ${format(rate(theirs.shingleSeconds))}/s`,
    );

    const pipeline = await runPipeline(corpus, pathToFileURL(join(folder, 'corpus-out')).href);
    const peerRun = runPeer(['pipeline', join(folder, 'datatrove'), ...corpus.shardUris.map((uri) => fileURLToPath(uri))]);
    const oursDocs = corpus.documents / pipeline.seconds;
    const theirsDocs = corpus.documents / (peerRun.seconds as number);
    console.log(
      `Dedup pipeline docs/s per core (${format(corpus.documents)} documents, 2 shards): corpusflow ${format(oursDocs)} (removed ${pipeline.removed}), ` +
        `datatrove ${format(theirsDocs)} (removed ${peerRun.removed as number}), ratio ${format(oursDocs / theirsDocs, 2)}x`,
    );
    const phaseLine = (phases: Record<string, number>) => Object.entries(phases).map(([name, seconds]) => `${name} ${format(seconds, 1)} s`).join(', ');
    console.log(`  corpusflow phases: ${phaseLine(pipeline.phases)}`);
    console.log(`  datatrove phases:  ${phaseLine(peerRun.phases as Record<string, number>)}`);

    const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--million', folder], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (child.status !== 0) throw new Error(`one-million-document run failed: ${child.stderr.slice(-2000)}`);
    const million = JSON.parse(child.stdout.trim().split('\n').pop()!) as PipelineRun & { documents: number; maxRssMiB: number };
    console.log(
      `One million 80-word documents in 100 shards, 8 partitions per band: ${format(million.documents / million.seconds)} docs/s, ` +
        `removed ${format(million.removed)}, peak RSS ${format(million.maxRssMiB)} MiB`,
    );
    const perPhase = (values: Record<string, number>) => Object.entries(values).map(([name, mib]) => `${name} ${mib}`).join(', ');
    console.log(`  peak RSS per phase (MiB): ${perPhase(million.peakRssMiB)}`);
    console.log(`  peak live heap and buffers per phase (MiB): ${perPhase(million.peakLiveMiB)}`);
    console.log(`  phases: ${phaseLine(million.phases)}`);
  } finally {
    await fs.rm(folder, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--million') {
  await runMillion(process.argv[3]!);
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
