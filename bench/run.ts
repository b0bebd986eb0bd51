// `npm run bench [-- name ...]`: runs every benchmark module in bench/ (or only the named
// ones) one after another, so their numbers do not compete for the two cores. Each module
// exports `run()`, which measures corpusflow and its named peers in the same run and prints
// the ratios. Never part of `npm test`.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const benchDir = import.meta.dirname;
const skip = new Set(['run.ts', 'eval-extraction.ts']);
const requested = process.argv.slice(2);

const available = readdirSync(benchDir)
  .filter((file) => file.endsWith('.ts') && !skip.has(file) && !file.startsWith('_'))
  .map((file) => file.replace(/\.ts$/, ''))
  .sort();
const selected = requested.length > 0 ? requested : available;
const unknown = selected.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`Unknown benchmark: ${unknown.join(', ')}. Available: ${available.join(', ')}`);
  process.exit(2);
}

let failures = 0;
for (const name of selected) {
  console.log(`\n=== bench/${name}.ts ===`);
  const started = performance.now();
  try {
    const module = (await import(pathToFileURL(path.join(benchDir, `${name}.ts`)).href)) as { run?: () => Promise<void> };
    if (typeof module.run !== 'function') throw new Error(`bench/${name}.ts exports no run() function`);
    await module.run();
  } catch (error) {
    failures += 1;
    console.error(`bench/${name}.ts failed: ${(error as Error).stack ?? error}`);
  }
  console.log(`(bench/${name}.ts took ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
process.exit(failures > 0 ? 1 : 0);
