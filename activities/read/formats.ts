// Input formats recognised by file name.
export type InputFormat = 'html' | 'warc' | 'jsonl';

const patterns: Array<[RegExp, InputFormat]> = [
  [/\.x?html?$/i, 'html'],
  [/\.warc(\.gz)?$/i, 'warc'],
  [/\.jsonl(\.gz)?$/i, 'jsonl'],
];

export function detectInputFormat(uri: string): InputFormat | undefined {
  for (const [pattern, format] of patterns) {
    if (pattern.test(uri)) return format;
  }
  return undefined;
}

export const supportedExtensions = '.html, .htm, .xhtml, .warc, .warc.gz, .jsonl, .jsonl.gz';
