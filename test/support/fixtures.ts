// Builds small input folders for pipeline tests from the real data in ../shared/data, plus the
// broken files people meet in practice. Everything is written to a fresh temp folder.
import { mkdtempSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const sharedData = path.resolve(import.meta.dirname, '../../../shared/data');

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `corpusflow-${prefix}-`));
}

/** Returns the first `bytes` bytes of a real WARC.gz, as if the download broke off inside a gzip member. */
export function truncatedWarc(bytes: number): Buffer {
  return readFileSync(path.join(sharedData, 'warc/dolma-sample-0000.warc.gz')).subarray(0, bytes);
}

export const PNG_BYTES = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
  'hex',
);

/**
 * Creates a folder with two real pages, a binary file named .html, a Latin-1 page without a charset,
 * a truncated WARC.gz, a JSONL file with good and bad lines, a broken symlink and a .txt file.
 */
export function messyInputFolder(): string {
  const root = tempDir('messy');
  mkdirSync(path.join(root, 'pages'));
  for (const name of ['aeb/042bb7b5fedab6eac7db576522b89b93904c237d344bcbe14a6a5ab7f7335856.html', 'readability/bbc-1.html']) {
    writeFileSync(path.join(root, 'pages', path.basename(name)), readFileSync(path.join(sharedData, 'web', name)));
  }
  writeFileSync(path.join(root, 'pages/image.html'), PNG_BYTES);
  writeFileSync(
    path.join(root, 'pages/latin1.html'),
    Buffer.from('<html><body><article><p>Die Gr\xf6\xdfe der St\xe4dte w\xe4chst seit Jahren, sagt die Studie.</p></article></body></html>', 'latin1'),
  );
  writeFileSync(path.join(root, 'crawl.warc.gz'), truncatedWarc(60_000));
  const lines = [
    JSON.stringify({ id: 'a1', text: 'The first document has enough words to be kept by the reader.' }),
    '{"id": "a2", "text": "unterminated',
    JSON.stringify({ id: 'a3', body: 'no text field here' }),
    JSON.stringify({ id: 'a4', text: 42 }),
  ];
  const invalidUtf8 = Buffer.concat([Buffer.from('{"id":"a5","text":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
  writeFileSync(path.join(root, 'docs.jsonl'), Buffer.concat([Buffer.from(lines.join('\n') + '\n'), invalidUtf8, Buffer.from('\n')]));
  symlinkSync(path.join(root, 'does-not-exist.html'), path.join(root, 'pages/dangling.html'));
  writeFileSync(path.join(root, 'notes.txt'), 'not an input format');
  return root;
}
