// Turns page bytes into a string. Order of evidence: a byte-order mark, then strict UTF-8
// validity (valid UTF-8 with non-ASCII bytes is almost never an accident, and pages such as
// Readability's qq.html declare gb2312 while holding UTF-8), then the charset in the HTTP
// header or <meta>, then statistical detection (chardet) when the declared charset is
// missing or wrong, and finally windows-1252, which decodes any byte.
import { TextDecoder } from 'node:util';
import chardet from 'chardet';

export interface DecodedPage {
  html: string;
  encoding: string;
  /** True when the bytes were not valid UTF-8 and a legacy encoding was used instead. */
  legacyEncoding: boolean;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const META_SCAN_BYTES = 4096;

/** Share of control bytes (other than tab, newline, carriage return, form feed, escape) that marks a file as binary. */
const BINARY_CONTROL_FRACTION = 0.1;

/**
 * Returns a reason when the bytes are not text at all (an image or archive named .html):
 * any NUL byte in the first 8 KiB, or more than 10% control bytes there.
 */
export function binaryReason(bytes: Uint8Array): string | undefined {
  const sample = bytes.subarray(0, 8192);
  if (sample.length === 0) return undefined;
  let controls = 0;
  for (const byte of sample) {
    if (byte === 0) return 'contains NUL bytes';
    if (byte < 32 && byte !== 9 && byte !== 10 && byte !== 13 && byte !== 12 && byte !== 27) controls += 1;
  }
  const fraction = controls / sample.length;
  if (fraction > BINARY_CONTROL_FRACTION) return `${(fraction * 100).toFixed(1)}% of the first ${sample.length} bytes are control bytes`;
  return undefined;
}

function charsetFrom(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const match = /charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(text);
  return match?.[1]?.toLowerCase();
}

function decoderFor(label: string): TextDecoder | undefined {
  try {
    return new TextDecoder(label);
  } catch {
    return undefined;
  }
}

export function decodeHtml(bytes: Uint8Array, contentType?: string): DecodedPage {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { html: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8', legacyEncoding: false };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { html: new TextDecoder('utf-16le').decode(bytes), encoding: 'utf-16le', legacyEncoding: false };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { html: new TextDecoder('utf-16be').decode(bytes), encoding: 'utf-16be', legacyEncoding: false };

  try {
    return { html: strictUtf8.decode(bytes), encoding: 'utf-8', legacyEncoding: false };
  } catch {
    // Not UTF-8: fall through to the declared or detected legacy encoding.
  }

  const head = new TextDecoder('latin1').decode(bytes.subarray(0, META_SCAN_BYTES));
  const declared = charsetFrom(contentType) ?? charsetFrom(/<meta[^>]+charset[^>]*>/i.exec(head)?.[0]);
  const candidates: string[] = [];
  if (declared && !/^utf-?8$/.test(declared)) candidates.push(declared);
  const detected = chardet.detect(bytes);
  if (detected && !/^utf-?8$/i.test(detected)) candidates.push(detected.toLowerCase());
  candidates.push('windows-1252');

  for (const label of candidates) {
    const decoder = decoderFor(label);
    if (decoder) return { html: decoder.decode(bytes), encoding: decoder.encoding, legacyEncoding: true };
  }
  return { html: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252', legacyEncoding: true };
}
