// Tokenization throughput per core against Python tiktoken, and peak memory while a generated
// corpus streams into a Megatron indexed dataset.
//
// Speed: every candidate encodes the same texts once, on one thread, starting with a cold
// cache: the shared web pages (HTML and annotated article text), whatlang sentences and
// benchmark JSON Lines. Python tiktoken runs `encode_ordinary` from .venv
// (bench/tokenize_peer.py). Ids are compared through a sha256 over all ids of all texts.
// Times are CPU seconds of the encoding process, so tokens per second is per core and other
// work on a shared machine distorts it less than wall-clock time would.
//
// Memory: a child process generates BENCH_TOKENIZE_BYTES of text (default 1 GB) as documents,
// encodes each one and writes it through IndexedDatasetWriter, and reports its peak RSS. A
// second child does the same with a tenth of the bytes, so the two peaks show whether memory
// grows with the corpus. Run alone with `npx tsx bench/tokenize.ts`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Tiktoken as JsTiktoken } from 'js-tiktoken/lite';
import jsTiktokenRanks from 'js-tiktoken/ranks/cl100k_base';
import { get_encoding } from 'tiktoken';
import { Cl100kEncoder, cl100kRanks } from '../activities/tokenize/cl100k';
import { IndexedDatasetWriter } from '../activities/tokenize/indexed-dataset';
import { TokenBuffer } from '../activities/tokenize/piece-cache';
import { END_OF_DOCUMENT_ID, PADDED_VOCAB_SIZE } from '../activities/tokenize/vocabulary';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const sharedData = resolve(repoRoot, '../shared/data');
const python = join(repoRoot, '.venv/bin/python');

function benchTexts(): string[] {
  const texts: string[] = [];
  for (const folder of ['web/aeb', 'web/readability', 'web/trafilatura']) {
    const dir = join(sharedData, folder);
    for (const file of readdirSync(dir).sort()) {
      if (/\.(html|txt)$/.test(file)) texts.push(readFileSync(join(dir, file), 'utf8'));
    }
  }
  texts.push(...Object.values(JSON.parse(readFileSync(join(sharedData, 'multilingual/whatlang-examples.json'), 'utf8')) as Record<string, string>));
  texts.push(readFileSync(join(sharedData, 'bench/gsm8k/test.jsonl'), 'utf8'));
  texts.push(readFileSync(join(sharedData, 'bench/mbpp/mbpp.jsonl'), 'utf8'));
  texts.push(gunzipSync(readFileSync(join(sharedData, 'bench/humaneval/HumanEval.jsonl.gz'))).toString('utf8'));
  return texts;
}

interface SpeedResult {
  name: string;
  tokens: number;
  seconds: number;
  sha256: string;
}

/** CPU seconds (user + system) this process has used; other processes' load does not count. */
function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

function timeEncoder(name: string, texts: string[], encode: (text: string) => ArrayLike<number>): SpeedResult {
  const start = cpuSeconds();
  const encoded = texts.map(encode);
  const seconds = cpuSeconds() - start;
  const hash = createHash('sha256');
  let tokens = 0;
  for (const ids of encoded) {
    hash.update(Buffer.from(Int32Array.from(ids).buffer));
    tokens += ids.length;
  }
  return { name, tokens, seconds, sha256: hash.digest('hex') };
}

function timePython(texts: string[]): SpeedResult {
  const folder = mkdtempSync(join(tmpdir(), 'bench-tokenize-'));
  try {
    const file = join(folder, 'texts.json');
    writeFileSync(file, JSON.stringify(texts));
    const run = spawnSync(python, [join(repoRoot, 'bench/tokenize_peer.py'), 'time', file], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`Python tiktoken peer failed (exit ${run.status}): ${run.stderr}`);
    return { name: 'Python tiktoken 0.14 (Rust)', ...(JSON.parse(run.stdout) as Omit<SpeedResult, 'name'>) };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Rounds for Python tiktoken and corpusflow; the machine is shared, so the best round counts. */
const SPEED_ROUNDS = 3;

function best(results: SpeedResult[]): SpeedResult {
  return results.reduce((fastest, result) => (result.seconds < fastest.seconds ? result : fastest));
}

function compareSpeed(): void {
  const texts = benchTexts();
  const bytes = texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  const python: SpeedResult[] = [];
  const corpusflow: SpeedResult[] = [];
  const uncachedRuns: SpeedResult[] = [];
  // Rounds interleave the candidates, so a burst of load elsewhere hits all of them alike.
  for (let round = 0; round < SPEED_ROUNDS; round++) {
    python.push(timePython(texts));
    const fresh = new Cl100kEncoder(cl100kRanks());
    corpusflow.push(timeEncoder('corpusflow Cl100kEncoder', texts, (text) => fresh.encode(text)));
    const uncached = new Cl100kEncoder(cl100kRanks());
    uncachedRuns.push(
      timeEncoder('corpusflow, cache emptied per text', texts, (text) => {
        uncached.clearCache();
        return uncached.encode(text);
      }),
    );
  }
  const wasm = get_encoding('cl100k_base');
  const jsTiktoken = new JsTiktoken(jsTiktokenRanks);
  const peer = best(python);
  const results = [
    peer,
    best(corpusflow),
    best(uncachedRuns),
    timeEncoder('tiktoken 1.0.22 (npm, WebAssembly)', texts, (text) => wasm.encode_ordinary(text)),
    timeEncoder('js-tiktoken 1.0.21', texts, (text) => jsTiktoken.encode(text, [], [])),
  ];
  wasm.free();

  console.log(`\ncl100k encoding, one core, ${texts.length} texts, ${(bytes / 1e6).toFixed(1)} MB (shared web pages, sentences, benchmark JSONL)`);
  console.log(`best of ${SPEED_ROUNDS} interleaved rounds for the first three rows, one round for the others`);
  console.log('encoder'.padEnd(42), 'MB/CPU-s'.padStart(9), 'Mtok/CPU-s'.padStart(11), 'vs Python'.padStart(10), '  ids identical');
  for (const result of results) {
    const ratio = peer.seconds / result.seconds;
    const same = result.sha256 === peer.sha256 && result.tokens === peer.tokens;
    console.log(
      result.name.padEnd(42),
      (bytes / result.seconds / 1e6).toFixed(2).padStart(9),
      (result.tokens / result.seconds / 1e6).toFixed(2).padStart(11),
      `${ratio.toFixed(2)}x`.padStart(10),
      same ? '  yes' : '  NO',
    );
  }
}

/**
 * Deterministic documents of 1–8 KB assembled from 4,096 generated paragraphs, whose words come
 * from the shared texts with a Zipf-like skew. Reusing paragraphs keeps generation much faster
 * than encoding, so the child measures the encoder and the writer.
 */
export function* generatedDocuments(totalBytes: number): Iterable<string> {
  const words = Array.from(new Set(benchTexts().join(' ').split(/\s+/).filter((word) => word.length > 0 && word.length < 24)));
  let state = 0x9e3779b9;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const paragraphs: string[] = [];
  for (let p = 0; p < 4_096; p++) {
    const parts: string[] = [];
    for (let length = 0; length < 400; ) {
      const word = words[Math.floor(words.length * random() ** 3)]!;
      const separator = random() < 0.05 ? `, ${Math.floor(random() * 10_000)} ` : ' ';
      parts.push(word, separator);
      length += word.length + separator.length;
    }
    paragraphs.push(parts.join('') + '\n\n');
  }

  for (let produced = 0; produced < totalBytes; ) {
    const parts: string[] = [];
    const target = 1_000 + Math.floor(random() * 7_000);
    for (let length = 0; length < target; ) {
      const paragraph = paragraphs[Math.floor(random() * paragraphs.length)]!;
      parts.push(paragraph);
      length += paragraph.length;
    }
    const text = parts.join('');
    produced += Buffer.byteLength(text);
    yield text;
  }
}

/** Runs inside the child process: streams generated text into an indexed dataset. */
async function memoryChild(totalBytes: number): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'bench-tokenize-memory-'));
  try {
    const encoder = new Cl100kEncoder(cl100kRanks());
    const writer = await IndexedDatasetWriter.open(join(folder, 'generated'), 'int32', PADDED_VOCAB_SIZE);
    const ids = new TokenBuffer();
    const start = performance.now();
    const startCpu = cpuSeconds();
    let bytes = 0;
    for (const text of generatedDocuments(totalBytes)) {
      bytes += Buffer.byteLength(text);
      ids.clear();
      encoder.encodeInto(text, ids);
      ids.push(END_OF_DOCUMENT_ID);
      await writer.addDocument(ids.view());
    }
    const result = await writer.close();
    const seconds = (performance.now() - start) / 1000;
    const cpu = cpuSeconds() - startCpu;
    const peakRssBytes = process.resourceUsage().maxRSS * 1024;
    console.log(JSON.stringify({ bytes, documents: result.documents, tokens: result.tokens, seconds, cpuSeconds: cpu, peakRssBytes }));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

interface MemoryResult {
  bytes: number;
  documents: number;
  tokens: number;
  seconds: number;
  cpuSeconds: number;
  peakRssBytes: number;
}

function measureMemory(totalBytes: number): MemoryResult {
  const run = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--memory-child', String(totalBytes)], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`Memory child failed (exit ${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!);
}

export async function run(): Promise<void> {
  compareSpeed();

  const totalBytes = Number(process.env.BENCH_TOKENIZE_BYTES ?? 1e9);
  console.log(`\nStreaming generated text into an indexed dataset (BENCH_TOKENIZE_BYTES=${totalBytes}), one child process each`);
  console.log('text'.padStart(10), 'documents'.padStart(10), 'tokens'.padStart(13), 'MB/CPU-s'.padStart(9), 'wall s'.padStart(7), 'peak RSS'.padStart(10));
  for (const size of [Math.round(totalBytes / 10), totalBytes]) {
    const result = measureMemory(size);
    console.log(
      `${(result.bytes / 1e6).toFixed(0)} MB`.padStart(10),
      String(result.documents).padStart(10),
      String(result.tokens).padStart(13),
      (result.bytes / result.cpuSeconds / 1e6).toFixed(2).padStart(9),
      result.seconds.toFixed(0).padStart(7),
      `${(result.peakRssBytes / 2 ** 20).toFixed(0)} MiB`.padStart(10),
    );
  }
}

const childIndex = process.argv.indexOf('--memory-child');
if (childIndex >= 0) {
  await memoryChild(Number(process.argv[childIndex + 1]));
} else if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
