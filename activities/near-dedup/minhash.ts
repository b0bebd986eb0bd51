// MinHash signatures and LSH banding. A document's shingle set is hashed to 32-bit values, and
// each of `bands * rows` seeded permutations keeps its minimum. Two documents become candidates
// when all `rows` values of at least one band agree. For Jaccard similarity s that happens with
// probability 1 - (1 - s^rows)^bands.
import { normalizeText } from './normalize';

export interface ShingleConfig {
  kind: 'word' | 'char';
  size: number;
}

/** MurmurHash3's 32-bit finaliser: spreads every input bit over the whole word. */
export function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 32-bit FNV-1a over UTF-16 code units of `text[start, end)`, finalised with mix32. */
export function hashString(text: string, start = 0, end = text.length): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** Combines `count` unit hashes starting at `start` into one shingle hash, order-sensitive. */
function combine(units: Uint32Array, start: number, count: number): number {
  let h = 0x9747b28c;
  for (let i = 0; i < count; i += 1) {
    h = Math.imul(h ^ units[start + i]!, 0x5bd1e995);
    h ^= h >>> 15;
  }
  return mix32(h ^ count);
}

/** Hashes each word (or each code point, for character shingles) of normalised text. */
function unitHashes(normalized: string, kind: ShingleConfig['kind']): Uint32Array {
  if (kind === 'char') {
    const points = Array.from(normalized.replace(/ /g, ''));
    const units = new Uint32Array(points.length);
    for (let i = 0; i < points.length; i += 1) units[i] = mix32(points[i]!.codePointAt(0)!);
    return units;
  }
  const units: number[] = [];
  let start = 0;
  for (let i = 0; i <= normalized.length; i += 1) {
    if (i === normalized.length || normalized.charCodeAt(i) === 32) {
      if (i > start) units.push(hashString(normalized, start, i));
      start = i + 1;
    }
  }
  return Uint32Array.from(units);
}

/**
 * Hashes the shingles of a text: overlapping word n-grams of the normalised text, or character
 * n-grams with spaces removed for scripts that do not separate words. A text shorter than one
 * shingle yields a single shingle of all its units; an empty text yields none.
 */
export function shingleHashes(text: string, config: ShingleConfig): Uint32Array {
  const units = unitHashes(normalizeText(text), config.kind);
  if (units.length === 0) return new Uint32Array(0);
  const size = Math.min(config.size, units.length);
  const shingles = new Uint32Array(units.length - size + 1);
  for (let i = 0; i < shingles.length; i += 1) shingles[i] = combine(units, i, size);
  return shingles;
}

/** Deterministic 32-bit generator (mulberry32) for permutation parameters and test data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/**
 * Computes MinHash signatures with `count` seeded permutations of the 32-bit hash space.
 * Each permutation is x -> (a*x + b) mod 2^32 with odd a, a bijection. Shingle hashes are
 * already finalised with mix32, so the minimum is equally likely to come from any shingle of a
 * set. The unit tests check that the similarity estimate is unbiased.
 */
export class MinHasher {
  private readonly multipliers: Uint32Array;
  private readonly offsets: Uint32Array;

  constructor(
    readonly count: number,
    seed: number,
  ) {
    const random = seededRandom(seed);
    this.multipliers = new Uint32Array(count);
    this.offsets = new Uint32Array(count);
    for (let i = 0; i < count; i += 1) {
      this.multipliers[i] = random() | 1;
      this.offsets[i] = random();
    }
  }

  /** Writes the signature of `shingles` into `target` (length `count`), all 0xffffffff when empty. */
  signature(shingles: Uint32Array, target = new Uint32Array(this.count)): Uint32Array {
    // Permutation-major order keeps a, b and the running minimum in registers.
    const length = shingles.length;
    for (let i = 0; i < this.count; i += 1) {
      const multiplier = this.multipliers[i]!;
      const offset = this.offsets[i]!;
      let minimum = 0xffffffff;
      for (let s = 0; s < length; s += 1) {
        const value = (Math.imul(multiplier, shingles[s]!) + offset) >>> 0;
        if (value < minimum) minimum = value;
      }
      target[i] = minimum;
    }
    return target;
  }
}

/** Fraction of positions where two signatures agree: an unbiased estimate of Jaccard similarity. */
export function estimatedSimilarity(a: Uint32Array, b: Uint32Array): number {
  let equal = 0;
  for (let i = 0; i < a.length; i += 1) if (a[i] === b[i]) equal += 1;
  return equal / a.length;
}

/**
 * Hashes each band of a signature to 64 bits, returned as [high, low] pairs in `target`
 * (length 2 * bands). Two documents share a bucket in a band when both words agree.
 */
export function bandHashes(signature: Uint32Array, bands: number, rows: number, target = new Uint32Array(bands * 2)): Uint32Array {
  for (let band = 0; band < bands; band += 1) {
    let high = 0x243f6a88 ^ band;
    let low = 0x85a308d3 ^ Math.imul(band, 0x9e3779b1);
    for (let row = 0; row < rows; row += 1) {
      const value = signature[band * rows + row]!;
      high = mix32(high ^ value);
      low = mix32(Math.imul(low, 0x01000193) ^ value ^ 0x5bd1e995);
    }
    target[band * 2] = high;
    target[band * 2 + 1] = low;
  }
  return target;
}

/** P(two documents become candidates | Jaccard similarity s) = 1 - (1 - s^rows)^bands. */
export function catchProbability(similarity: number, bands: number, rows: number): number {
  return 1 - Math.pow(1 - Math.pow(similarity, rows), bands);
}
