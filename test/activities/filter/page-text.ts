// Text of the sample web pages for filter measurements: the pipeline's own extractor, plus a
// whole-page dump (every visible text node, block elements on their own lines, scripts and
// styles left out) that keeps menus and footers, for statistics over unextracted text.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from 'htmlparser2';
import { decodeHtml } from '../../../activities/extract/decode';
import { extractPage } from '../../../activities/extract/extract-page';

export const DATA_DIR = join(import.meta.dirname, '../../../../shared/data');

export interface SamplePage {
  file: string;
  /** The page's language as recorded in the manifest (ISO 639-1). */
  lang: string;
  /** Main content as the extract stage returns it. */
  text: string;
  /** Every visible text node, boilerplate included. */
  fullText: string;
}

interface ManifestRow {
  file: string;
  role: string;
  lang?: string;
}

const SKIPPED = new Set(['script', 'style', 'noscript', 'template', 'svg', 'head']);
const BLOCK = /^(p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|section|article|header|footer|nav|aside|pre|blockquote|dd|dt|figure|figcaption|main|form|hr|title)$/;

/** Returns the visible text of an HTML document with one block element per line. */
export function htmlToText(html: string): string {
  const parts: string[] = [];
  let skipDepth = 0;
  const parser = new Parser(
    {
      onopentagname(name) {
        if (SKIPPED.has(name)) skipDepth += 1;
        if (BLOCK.test(name)) parts.push('\n');
      },
      onclosetag(name) {
        if (SKIPPED.has(name)) skipDepth = Math.max(0, skipDepth - 1);
        if (BLOCK.test(name)) parts.push('\n');
      },
      ontext(text) {
        if (skipDepth === 0) parts.push(text);
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return parts
    .join('')
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Loads every page in the manifest with its recorded language, extracted text and full text. */
export function loadSamplePages(): SamplePage[] {
  const rows = readFileSync(join(DATA_DIR, 'manifest.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ManifestRow)
    .filter((row) => row.role === 'page' && row.lang !== undefined);
  return rows.map((row) => {
    const { html } = decodeHtml(readFileSync(join(DATA_DIR, row.file)));
    return { file: row.file, lang: row.lang!, text: extractPage(html).text, fullText: htmlToText(html) };
  });
}
