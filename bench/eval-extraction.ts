// Extraction quality against the gold pages of three public benchmarks, side by side with
// trafilatura (Python, from .venv) and Mozilla Readability (npm) on the same pages. Each
// benchmark is scored by its own convention:
// - article-extraction benchmark (Zyte): 4-token shingle overlap per page, counts divided by
//   their sum, precision and recall averaged over pages, F1 from the two averages;
// - trafilatura: must-contain / must-not-contain segments, substring match after collapsing
//   whitespace, counts summed over all pages;
// - Readability: its gold is expected HTML, so its text (tags removed) is scored with the same
//   shingle overlap as the article-extraction benchmark.
// Run with `npm run eval:extraction`; `--pages` adds one line per page.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { Parser } from 'htmlparser2';
import { decodeHtml } from '../activities/extract/decode';
import { extractPage } from '../activities/extract/extract-page';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const webDataDir = resolve(repoRoot, '../shared/data/web');

export type Benchmark = 'readability' | 'aeb' | 'trafilatura';
export const BENCHMARKS: Benchmark[] = ['readability', 'aeb', 'trafilatura'];

const GOLD_SUFFIX: Record<Benchmark, string> = { readability: '.gold.html', aeb: '.gold.txt', trafilatura: '.gold.json' };

export interface GoldPage {
  benchmark: Benchmark;
  name: string;
  htmlPath: string;
  goldPath: string;
}

/** Lists every page of the three benchmarks that has a gold file, in a stable order. */
export function listPages(dataDir = webDataDir): GoldPage[] {
  const pages: GoldPage[] = [];
  for (const benchmark of BENCHMARKS) {
    const dir = join(dataDir, benchmark);
    const goldSuffix = GOLD_SUFFIX[benchmark];
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith('.html') || file.endsWith('.gold.html')) continue;
      const name = file.slice(0, -'.html'.length);
      pages.push({ benchmark, name, htmlPath: join(dir, file), goldPath: join(dir, name + goldSuffix) });
    }
  }
  return pages;
}

export function decodePage(page: GoldPage): string {
  return decodeHtml(readFileSync(page.htmlPath)).html;
}

// ---- extractors ----------------------------------------------------------------------

export function corpusflowText(html: string): string {
  try {
    return extractPage(html).text;
  } catch {
    return '';
  }
}

export function readabilityText(html: string): string {
  try {
    const { document } = parseHTML(html);
    const article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0]).parse();
    return article?.textContent ?? '';
  } catch {
    return '';
  }
}

/**
 * The Python side of the trafilatura peer: reads a JSON list of file paths, extracts each
 * from its raw bytes (trafilatura decodes them itself) `repeat` times, and prints the texts
 * and the CPU seconds spent inside extract(). Settings follow trafilatura's own evaluation:
 * comments excluded, tables included.
 */
const TRAFILATURA_SCRIPT = `
import json, sys, time
import trafilatura
request = json.load(sys.stdin)
texts, seconds = [], 0.0
for path in request["paths"]:
    data = open(path, "rb").read()
    start = time.process_time()
    for _ in range(request["repeat"]):
        text = trafilatura.extract(data, include_comments=False, include_tables=True)
    seconds += time.process_time() - start
    texts.append(text or "")
json.dump({"texts": texts, "seconds": seconds, "version": trafilatura.__version__}, sys.stdout)
`;

export interface TrafilaturaRun {
  texts: string[];
  seconds: number;
  version: string;
}

export function runTrafilatura(paths: string[], repeat = 1): TrafilaturaRun {
  const python = join(repoRoot, '.venv/bin/python');
  const result = spawnSync(python, ['-c', TRAFILATURA_SCRIPT], {
    input: JSON.stringify({ paths, repeat }),
    maxBuffer: 512 * 1024 * 1024,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`trafilatura peer failed (exit ${result.status}); run infra/install.sh to install it: ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as TrafilaturaRun;
}

// ---- scoring -------------------------------------------------------------------------

const WORD = /[\p{L}\p{N}_]+/gu;

/** Python's Unicode `\w+` tokens, as the article-extraction benchmark splits text. */
export function wordTokens(text: string): string[] {
  return text.match(WORD) ?? [];
}

function shingles(text: string, size = 4): Map<string, number> {
  const tokens = wordTokens(text);
  const counts = new Map<string, number>();
  if (tokens.length === 0) return counts;
  const grams = tokens.length < size ? [tokens.join(' ')] : [];
  for (let i = 0; i + size <= tokens.length; i++) grams.push(tokens.slice(i, i + size).join(' '));
  for (const gram of grams) counts.set(gram, (counts.get(gram) ?? 0) + 1);
  return counts;
}

export interface PageScore {
  precision: number | undefined;
  recall: number;
}

/** Shingle overlap of one page. Precision is undefined when nothing was predicted. */
export function shingleScore(gold: string, predicted: string): PageScore {
  const goldShingles = shingles(gold);
  const predictedShingles = shingles(predicted);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const key of new Set([...goldShingles.keys(), ...predictedShingles.keys()])) {
    const goldCount = goldShingles.get(key) ?? 0;
    const predictedCount = predictedShingles.get(key) ?? 0;
    tp += Math.min(goldCount, predictedCount);
    fp += Math.max(0, predictedCount - goldCount);
    fn += Math.max(0, goldCount - predictedCount);
  }
  if (fp === 0 && fn === 0) return { precision: 1, recall: 1 };
  const precision = predictedShingles.size === 0 ? undefined : tp / (tp + fp);
  return { precision, recall: tp + fn === 0 ? 1 : tp / (tp + fn) };
}

export interface Summary {
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
}

function averagePageScores(scores: PageScore[], exact: boolean[]): Summary {
  const precisions = scores.flatMap((score) => (score.precision === undefined ? [] : [score.precision]));
  const precision = precisions.length === 0 ? 0 : precisions.reduce((a, b) => a + b, 0) / precisions.length;
  const recall = scores.reduce((sum, score) => sum + score.recall, 0) / Math.max(1, scores.length);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const accuracy = exact.filter(Boolean).length / Math.max(1, exact.length);
  return { precision, recall, f1, accuracy };
}

const collapse = (text: string): string => text.replace(/\s+/g, ' ');

export interface SegmentCounts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

/** Trafilatura's segment check for one page. */
export function segmentCounts(gold: { with: string[]; without: string[] }, predicted: string): SegmentCounts {
  const text = collapse(predicted);
  const counts: SegmentCounts = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const segment of gold.with) {
    if (text.includes(collapse(segment))) counts.tp += 1;
    else counts.fn += 1;
  }
  for (const segment of gold.without) {
    if (text.includes(collapse(segment))) counts.fp += 1;
    else counts.tn += 1;
  }
  return counts;
}

function summarizeSegments(pages: SegmentCounts[]): Summary {
  const total = pages.reduce((sum, c) => ({ tp: sum.tp + c.tp, fp: sum.fp + c.fp, fn: sum.fn + c.fn, tn: sum.tn + c.tn }), {
    tp: 0,
    fp: 0,
    fn: 0,
    tn: 0,
  });
  return {
    precision: total.tp / Math.max(1, total.tp + total.fp),
    recall: total.tp / Math.max(1, total.tp + total.fn),
    f1: (2 * total.tp) / Math.max(1, 2 * total.tp + total.fp + total.fn),
    accuracy: (total.tp + total.tn) / Math.max(1, total.tp + total.tn + total.fp + total.fn),
  };
}

const INLINE_TAGS = new Set(['a', 'abbr', 'b', 'bdi', 'bdo', 'cite', 'code', 'data', 'dfn', 'em', 'font', 'i', 'kbd', 'mark', 'q', 's', 'samp', 'small', 'span', 'strong', 'sub', 'sup', 'time', 'tt', 'u', 'var']);

/** Text of Readability's expected HTML: tags removed, boundaries of non-inline elements kept as spaces. */
export function htmlToPlainText(html: string): string {
  const parts: string[] = [];
  const boundary = (name: string): void => {
    if (!INLINE_TAGS.has(name)) parts.push(' ');
  };
  const parser = new Parser({
    ontext: (text) => parts.push(text),
    onopentag: boundary,
    onclosetag: boundary,
  });
  parser.end(html);
  return collapse(parts.join('')).trim();
}

function goldOf(page: GoldPage): string | { with: string[]; without: string[] } {
  const raw = readFileSync(page.goldPath, 'utf8');
  if (page.benchmark === 'trafilatura') return JSON.parse(raw) as { with: string[]; without: string[] };
  if (page.benchmark === 'readability') return htmlToPlainText(raw);
  return raw;
}

export function scoreBenchmark(benchmark: Benchmark, pages: GoldPage[], texts: string[]): { summary: Summary; perPage: string[] } {
  const perPage: string[] = [];
  if (benchmark === 'trafilatura') {
    const counts = pages.map((page, i) => segmentCounts(goldOf(page) as { with: string[]; without: string[] }, texts[i]!));
    counts.forEach((c, i) => perPage.push(`${pages[i]!.name}: tp=${c.tp} fn=${c.fn} fp=${c.fp}`));
    return { summary: summarizeSegments(counts), perPage };
  }
  const scores: PageScore[] = [];
  const exact: boolean[] = [];
  pages.forEach((page, i) => {
    const gold = goldOf(page) as string;
    const score = shingleScore(gold, texts[i]!);
    scores.push(score);
    exact.push(wordTokens(gold).join(' ') === wordTokens(texts[i]!).join(' '));
    perPage.push(`${page.name.slice(0, 40)}: P=${score.precision?.toFixed(3) ?? '-'} R=${score.recall.toFixed(3)}`);
  });
  return { summary: averagePageScores(scores, exact), perPage };
}

// ---- report --------------------------------------------------------------------------

export async function run(): Promise<void> {
  const showPages = process.argv.includes('--pages');
  const pages = listPages();
  const html = pages.map(decodePage);
  const trafilatura = runTrafilatura(pages.map((page) => page.htmlPath));
  const tools: Array<[string, string[]]> = [
    ['corpusflow', html.map(corpusflowText)],
    [`trafilatura ${trafilatura.version}`, trafilatura.texts],
    ['readability 0.6.0', html.map(readabilityText)],
  ];

  console.log('benchmark    pages  extractor            precision  recall     F1  accuracy');
  for (const benchmark of BENCHMARKS) {
    const indexes = pages.flatMap((page, i) => (page.benchmark === benchmark ? [i] : []));
    const subset = indexes.map((i) => pages[i]!);
    const pageLines: string[][] = [];
    for (const [tool, texts] of tools) {
      const { summary, perPage } = scoreBenchmark(benchmark, subset, indexes.map((i) => texts[i]!));
      const cells = [summary.precision, summary.recall, summary.f1, summary.accuracy].map((value) => value.toFixed(3).padStart(9));
      console.log(`${benchmark.padEnd(12)} ${String(subset.length).padStart(5)}  ${tool.padEnd(20)}${cells.join(' ')}`);
      pageLines.push(perPage);
    }
    if (showPages) {
      console.log(`    per page: ${tools.map(([tool]) => tool).join(' | ')}`);
      pageLines[0]!.forEach((line, i) => console.log(`    ${[line, ...pageLines.slice(1).map((lines) => lines[i]!.replace(/^[^:]*: /, ''))].join(' | ')}`));
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
