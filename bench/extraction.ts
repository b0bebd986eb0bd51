// Extraction speed: pages per second on one core, corpusflow against trafilatura on the same
// gold pages (all three benchmarks). Both run single-threaded, both start from the page's
// bytes (corpusflow decodes them with decodeHtml, trafilatura decodes them itself), and each
// extractor is timed over the same number of passes after one warm-up pass. Time is CPU time
// of the process (Node's includes its garbage-collector threads), so other load on the
// machine does not skew the ratio.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { decodeHtml } from '../activities/extract/decode';
import { extractPage } from '../activities/extract/extract-page';
import { listPages, runTrafilatura } from './eval-extraction';

const PASSES = 5;

export async function run(): Promise<void> {
  const pages = listPages();
  const bytes = pages.map((page) => readFileSync(page.htmlPath));
  const totalMegabytes = bytes.reduce((sum, page) => sum + page.length, 0) / 1e6;

  const extractAll = (): void => {
    for (const page of bytes) {
      try {
        extractPage(decodeHtml(page).html);
      } catch {
        // A rejected page still costs its time; errors are the eval's concern, not the bench's.
      }
    }
  };
  extractAll();
  const start = process.cpuUsage();
  for (let pass = 0; pass < PASSES; pass++) extractAll();
  const used = process.cpuUsage(start);
  const corpusflowSeconds = (used.user + used.system) / 1e6;

  runTrafilatura(pages.map((page) => page.htmlPath), 1);
  const trafilatura = runTrafilatura(
    pages.map((page) => page.htmlPath),
    PASSES,
  );

  const pagesTimed = pages.length * PASSES;
  const corpusflowRate = pagesTimed / corpusflowSeconds;
  const trafilaturaRate = pagesTimed / trafilatura.seconds;
  console.log(`extraction: ${pages.length} pages (${totalMegabytes.toFixed(1)} MB) x ${PASSES} passes, one core each`);
  console.log(`  corpusflow          ${corpusflowRate.toFixed(1).padStart(8)} pages per CPU second`);
  console.log(`  trafilatura ${trafilatura.version.padEnd(7)} ${trafilaturaRate.toFixed(1).padStart(8)} pages per CPU second`);
  console.log(`  ratio corpusflow / trafilatura: ${(corpusflowRate / trafilaturaRate).toFixed(2)}x`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
