// Plain text of the sample web pages, for measurements that need real page text before the
// extractor exists: visible text nodes, block elements on their own lines, scripts and styles
// left out. Good enough for language ID and text statistics, not an article extractor.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from 'htmlparser2';

export const DATA_DIR = join(import.meta.dirname, '../../../../shared/data');

export interface SamplePage {
  file: string;
  /** The page's language as recorded in the manifest (ISO 639-1). */
  lang: string;
  text: string;
}

interface ManifestRow {
  file: string;
  role: string;
  lang?: string;
  valid_utf8?: boolean;
  declared_charsets?: string[];
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

function decodePage(bytes: Buffer, row: ManifestRow): string {
  if (row.valid_utf8 !== false) return bytes.toString('utf8');
  const charset = row.declared_charsets?.find((name) => name.toLowerCase() !== 'utf-8') ?? 'windows-1252';
  return new TextDecoder(charset).decode(bytes);
}

/** Every page in the manifest with its recorded language and its text. */
export function loadSamplePages(): SamplePage[] {
  const rows = readFileSync(join(DATA_DIR, 'manifest.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ManifestRow)
    .filter((row) => row.role === 'page' && row.lang !== undefined);
  return rows.map((row) => ({
    file: row.file,
    lang: row.lang!,
    text: htmlToText(decodePage(readFileSync(join(DATA_DIR, row.file)), row)),
  }));
}
