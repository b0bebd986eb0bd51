// Access to the shared gold pages. They are test fixtures only and stay outside the repository.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeHtml } from '../../../activities/extract/decode';

export const webDataDir = fileURLToPath(new URL('../../../../shared/data/web/', import.meta.url));
export const hasWebData = existsSync(webDataDir);

/** Decoded HTML of a page under the shared web data folder, for example `readability/v8-blog.html`. */
export function loadPage(relativePath: string): string {
  return decodeHtml(readFileSync(webDataDir + relativePath)).html;
}

/** Builds a small HTML page whose <body> is `body`. */
export function page(body: string, head = '<title>Test page</title>'): string {
  return `<!doctype html><html><head>${head}</head><body>${body}</body></html>`;
}
