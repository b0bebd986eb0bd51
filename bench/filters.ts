// Web quality filters, per filter and as a whole chain, against datatrove 0.10.1's equivalent
// filters on the same documents: the sample pages' extracted text plus their whole-page text
// (menus and footers included), so both clean and boilerplate-heavy documents are timed.
// Both sides run single-threaded, so documents per second is per core. Each rate is the best of
// two alternating rounds, and a round covers every document at least once. Peer command:
// .venv/bin/python bench/filters_datatrove.py (installed by infra/install.sh from
// infra/requirements-filters.txt). The datatrove chain stops at a document's first failing
// filter, as its pipeline does; ours runs every rule so that it can list all failures.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { applyC4Rules } from '../activities/filter/c4';
import { QualityFilterConfig } from '../activities/filter/config';
import { checkCorruption } from '../activities/filter/corruption';
import { checkFineweb } from '../activities/filter/fineweb';
import { checkGopherQuality } from '../activities/filter/gopher-quality';
import { checkGopherRepetition } from '../activities/filter/gopher-repetition';
import { identifyLanguage, loadLanguageModel } from '../activities/filter/language-id';
import { createQualityFilter } from '../activities/filter/quality-filter';
import { splitWords } from '../activities/filter/text';
import { loadSamplePages } from '../test/activities/filter/page-text';

const SECONDS_PER_FILTER = 1;
const ROUNDS = 2;
const PYTHON = path.resolve(import.meta.dirname, '../.venv/bin/python');
const PEER_SCRIPT = path.resolve(import.meta.dirname, 'filters_datatrove.py');

/** Documents per second of `work` over `texts`, repeated until SECONDS_PER_FILTER have passed. */
function measure(texts: string[], work: (text: string) => unknown): number {
  for (const text of texts.slice(0, 10)) work(text);
  let done = 0;
  const started = performance.now();
  for (;;) {
    for (const text of texts) work(text);
    done += texts.length;
    const elapsed = (performance.now() - started) / 1000;
    if (elapsed >= SECONDS_PER_FILTER) return done / elapsed;
  }
}

/** The datatrove side as a child process that times one round per line it reads. */
class DatatrovePeer {
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly lines: AsyncIterator<string>,
    private readonly folder: string,
  ) {}

  static async start(texts: string[]): Promise<DatatrovePeer> {
    if (!existsSync(PYTHON)) throw new Error(`no ${PYTHON}: run "bash infra/install.sh"`);
    const folder = mkdtempSync(path.join(os.tmpdir(), 'bench-filters-'));
    const documents = path.join(folder, 'documents.jsonl');
    writeFileSync(documents, texts.map((text, i) => JSON.stringify({ id: String(i), text })).join('\n') + '\n');
    const modelPath = createRequire(import.meta.url).resolve('fasttext.wasm.js/dist/models/language-identification/assets/lid.176.ftz');
    const child = spawn(PYTHON, [PEER_SCRIPT, documents, modelPath, String(SECONDS_PER_FILTER)]);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    const peer = new DatatrovePeer(child, createInterface({ input: child.stdout })[Symbol.asyncIterator](), folder);
    const first = await peer.lines.next();
    if (first.done || first.value !== 'ready') {
      peer.stop();
      throw new Error(`datatrove peer did not start: ${stderr.trim().split('\n').at(-1) ?? 'no output'}`);
    }
    return peer;
  }

  async round(): Promise<Record<string, number>> {
    this.child.stdin.write('go\n');
    const line = await this.lines.next();
    if (line.done) throw new Error('datatrove peer exited during a round');
    return JSON.parse(line.value) as Record<string, number>;
  }

  stop(): void {
    this.child.stdin.end();
    this.child.kill();
    rmSync(this.folder, { recursive: true, force: true });
  }
}

/** Keeps the best rate per filter: other load on the machine only ever slows a round down. */
function keepBest(best: Record<string, number>, round: Record<string, number>): void {
  for (const [name, rate] of Object.entries(round)) best[name] = Math.max(best[name] ?? 0, rate);
}

export async function run(): Promise<void> {
  const pages = loadSamplePages();
  const texts = [...pages.map((page) => page.text), ...pages.map((page) => page.fullText)].filter((text) => text.trim() !== '');
  const characters = texts.reduce((sum, text) => sum + text.length, 0);
  console.log(`filters: ${texts.length} documents, ${Math.round(characters / texts.length)} characters on average, 1 thread each side`);

  const config = QualityFilterConfig.parse({});
  const model = await loadLanguageModel();
  const filter = await createQualityFilter(config);
  const oursRound = (): Record<string, number> => ({
    language_id: measure(texts, (text) => identifyLanguage(model, text)),
    gopher_quality: measure(texts, (text) => checkGopherQuality(text, splitWords(text), 'en', config.gopherQuality)),
    gopher_repetition: measure(texts, (text) => checkGopherRepetition(text, splitWords(text), config.gopherRepetition)),
    c4: measure(texts, (text) => applyC4Rules(text, config.c4)),
    fineweb: measure(texts, (text) => checkFineweb(text, splitWords(text), config.fineweb)),
    corruption: measure(texts, (text) => checkCorruption(text, config.corruption)),
    chain: measure(texts, (text) => filter({ id: 'bench', text, source: 'web', metadata: { inputUri: 'bench', recordIndex: 0 } })),
  });

  // Rounds alternate between the two sides, so a burst of other work on the machine hits both.
  const ours: Record<string, number> = {};
  const peerRates: Record<string, number> = {};
  const peer = await DatatrovePeer.start(texts).catch((error: Error) => error);
  if (peer instanceof Error) console.log(`filters: ${peer.message}`);
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      keepBest(ours, oursRound());
      if (!(peer instanceof Error)) keepBest(peerRates, await peer.round());
    }
  } finally {
    if (!(peer instanceof Error)) peer.stop();
  }

  console.log(`${'filter'.padEnd(18)} ${'corpusflow docs/s'.padStart(18)} ${'datatrove docs/s'.padStart(17)} ${'ratio'.padStart(7)}`);
  for (const [name, rate] of Object.entries(ours)) {
    const peerRate = peerRates[name];
    const ratio = peerRate ? `${(rate / peerRate).toFixed(2)}x` : 'n/a';
    console.log(`${name.padEnd(18)} ${rate.toFixed(0).padStart(18)} ${(peerRate?.toFixed(0) ?? 'none').padStart(17)} ${ratio.padStart(7)}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await run();
}
