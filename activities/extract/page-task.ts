// One page's extraction, run inside a worker thread so the activity's event loop stays free
// to send heartbeats while pages are parsed.
import { binaryReason, decodeHtml } from './decode';
import { extractPage } from './extract-page';

export interface PageTask {
  bytes: Uint8Array;
  contentType?: string;
  url?: string;
  minTextChars: number;
}

export type PageTaskResult =
  | { ok: true; text: string; title?: string; encoding: string; legacyEncoding: boolean; structure: Record<string, unknown> }
  | { ok: false; reason: 'binary_content' | 'empty_extraction' | 'extraction_failed' | 'document_too_large'; detail: string };

export function runPageTask(task: PageTask): PageTaskResult {
  const bytes = task.bytes instanceof Uint8Array ? task.bytes : new Uint8Array(task.bytes);
  const binary = binaryReason(bytes);
  if (binary) return { ok: false, reason: 'binary_content', detail: `not an HTML page: ${binary}` };

  const decoded = decodeHtml(bytes, task.contentType);
  let page;
  try {
    page = extractPage(decoded.html, { url: task.url });
  } catch (error) {
    const reason = (error as { reason?: string }).reason === 'document_too_large' ? 'document_too_large' : 'extraction_failed';
    return { ok: false, reason, detail: (error as Error).message };
  }
  const text = page.text.trim();
  if (text.length < task.minTextChars) {
    return { ok: false, reason: 'empty_extraction', detail: `extracted ${text.length} characters, fewer than minTextChars=${task.minTextChars}` };
  }
  return { ok: true, text, title: page.title, encoding: decoded.encoding, legacyEncoding: decoded.legacyEncoding, structure: page.metadata };
}

export default runPageTask;
