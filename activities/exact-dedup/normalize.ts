// The text exact dedup compares, normalised the way near-dedup and decontamination do it:
// NFKC, case folded, look-alike Cyrillic and Greek letters mapped to Latin, zero-width
// characters removed, and punctuation, symbols and whitespace collapsed to single spaces.
// Reformatting alone therefore never makes two copies look different.
import { createHash } from 'node:crypto';
import { normalizeText } from '../near-dedup/normalize';

export { normalizeText };

/**
 * Returns the first 128 bits (32 hex digits) of the sha256 of the normalised text, or "" when
 * nothing remains after normalisation. 128 bits keep the chance of any collision among 10^12
 * documents below 10^-14.
 */
export function exactDedupHash(text: string): string {
  const normalized = normalizeText(text);
  if (normalized === '') return '';
  return createHash('sha256').update(normalized).digest('hex').slice(0, 32);
}
