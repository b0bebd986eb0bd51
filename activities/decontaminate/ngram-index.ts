// The benchmark n-gram index, pure. Texts are normalised (NFKC, case fold, look-alike letters,
// punctuation and whitespace collapsed, digits kept) and split into words. A benchmark text of
// at least `longNgram` words contributes its long n-grams. A shorter one contributes its short
// n-grams, so brief items still match. A text below `shortNgram` words is too short to match
// safely and is skipped. N-grams are hashed to 53 bits, exact in a JavaScript number.
import { hashString, mix32 } from '../near-dedup/minhash';
import { normalizeText } from '../near-dedup/normalize';
import type { BenchmarkItem } from './benchmark-files';

export interface NgramSizes {
  longNgram: number;
  shortNgram: number;
}

export interface NgramIndex {
  sizes: NgramSizes;
  /** N-gram key to the positions (in `items`) of the items that contain it, per n-gram size. */
  long: Map<number, number[]>;
  short: Map<number, number[]>;
  /**
   * Items containing each short n-gram in any of their texts, long ones included, so a phrase
   * like "write a python function to find the" counts as a template even where most of its
   * occurrences sit in long texts. Only needed while building.
   */
  shortItemCounts?: Map<number, number>;
}

export interface NormalizedWords {
  words: string[];
  hashes: Uint32Array;
}

export function normalizedWordHashes(text: string): NormalizedWords {
  const normalized = normalizeText(text);
  const words = normalized === '' ? [] : normalized.split(' ');
  return { words, hashes: Uint32Array.from(words, (word) => hashString(word)) };
}

/** 53-bit key of the n-gram of `size` word hashes starting at `start`. */
export function ngramKey(hashes: Uint32Array, start: number, size: number): number {
  let high = 0x3c6ef372 ^ size;
  let low = 0xa54ff53a;
  for (let i = start; i < start + size; i += 1) {
    high = mix32(high ^ hashes[i]!);
    low = Math.imul(low ^ hashes[i]!, 0x01000193);
  }
  return (high >>> 11) * 0x100000000 + (mix32(low) >>> 0);
}

export interface IndexCounts {
  longNgrams: number;
  shortNgrams: number;
  textsTooShort: number;
  lowInformationNgrams: number;
}

// At least two characters, one of them a letter: "x2" and "ab" count, "7", "12" and "a" do not.
const INFORMATIVE_WORD = /^(?=.*\p{L}).{2,}$/u;

/**
 * Marks n-gram start positions with too few informative words (at least two characters with a
 * letter) to be evidence of copying: runs like "0 1 2 3 ... 12" or "a b c ... m" occur in
 * ordinary text and code, and would otherwise match benchmark items that list them.
 */
function lowInformationStarts(words: string[], size: number): Uint8Array {
  const flags = new Uint8Array(Math.max(0, words.length - size + 1));
  const informativeBefore = new Uint32Array(words.length + 1);
  for (let i = 0; i < words.length; i += 1) informativeBefore[i + 1] = informativeBefore[i]! + (INFORMATIVE_WORD.test(words[i]!) ? 1 : 0);
  for (let start = 0; start < flags.length; start += 1) {
    if ((informativeBefore[start + size]! - informativeBefore[start]!) * 2 < size) flags[start] = 1;
  }
  return flags;
}

/** Adds one item's texts to the index and returns what it added. */
export function addItem(index: NgramIndex, item: BenchmarkItem, position: number): IndexCounts {
  const counts: IndexCounts = { longNgrams: 0, shortNgrams: 0, textsTooShort: 0, lowInformationNgrams: 0 };
  const { longNgram, shortNgram } = index.sizes;
  const shortSeen = new Set<number>();
  for (const text of item.texts) {
    const { words, hashes } = normalizedWordHashes(text);
    if (index.shortItemCounts) {
      for (let start = 0; start + shortNgram <= hashes.length; start += 1) {
        const key = ngramKey(hashes, start, shortNgram);
        if (shortSeen.has(key)) continue;
        shortSeen.add(key);
        index.shortItemCounts.set(key, (index.shortItemCounts.get(key) ?? 0) + 1);
      }
    }
    if (hashes.length < shortNgram) {
      counts.textsTooShort += 1;
      continue;
    }
    const size = hashes.length >= longNgram ? longNgram : shortNgram;
    const map = size === longNgram ? index.long : index.short;
    const lowInformation = lowInformationStarts(words, size);
    for (let start = 0; start + size <= hashes.length; start += 1) {
      if (lowInformation[start]) {
        counts.lowInformationNgrams += 1;
        continue;
      }
      const key = ngramKey(hashes, start, size);
      const owners = map.get(key);
      if (!owners) map.set(key, [position]);
      else if (owners[owners.length - 1] !== position && !owners.includes(position)) owners.push(position);
      if (size === longNgram) counts.longNgrams += 1;
      else counts.shortNgrams += 1;
    }
  }
  return counts;
}

/** Drops n-grams shared by more than `maxItems` items: template phrases, not copied content. Returns how many. */
export function dropTemplateNgrams(index: NgramIndex, maxItems: number): number {
  let dropped = 0;
  for (const map of [index.long, index.short]) {
    for (const [key, owners] of map) {
      const items = map === index.short ? Math.max(owners.length, index.shortItemCounts?.get(key) ?? 0) : owners.length;
      if (items > maxItems) {
        map.delete(key);
        dropped += 1;
      }
    }
  }
  index.shortItemCounts = undefined;
  return dropped;
}

export interface NgramMatch {
  key: number;
  /** The document's normalised words that form the n-gram. */
  ngram: string;
  size: number;
  items: number[];
}

/** Finds every distinct index n-gram in a document, in order of first occurrence. */
export function findMatches(index: NgramIndex, text: string): NgramMatch[] {
  const { words, hashes } = normalizedWordHashes(text);
  const matches: NgramMatch[] = [];
  const seen = new Set<number>();
  for (const [size, map] of [
    [index.sizes.longNgram, index.long],
    [index.sizes.shortNgram, index.short],
  ] as const) {
    if (map.size === 0) continue;
    for (let start = 0; start + size <= hashes.length; start += 1) {
      const key = ngramKey(hashes, start, size);
      const items = map.get(key);
      if (!items || seen.has(key)) continue;
      seen.add(key);
      matches.push({ key, ngram: words.slice(start, start + size).join(' '), size, items });
    }
  }
  return matches;
}
