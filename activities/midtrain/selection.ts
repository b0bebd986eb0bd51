// Long-context selection for mid-training, the pure part. A document of at least `minTokens`
// is eligible with weight 1, and one of at least `upweightMinTokens` with `upweightFactor`.
// Every eligible document gets `weight × budget / Σ(weight × tokens)` expected copies: below 1
// it is sampled with that probability, above 1 it repeats. Sampling is seeded by a hash of the
// seed and the document's place, so the same inputs always give the same plan.
import type { LongContextOptions } from '../../schemas/midtrain';

export interface CandidateDocument {
  source: string;
  prefix: string;
  sequence: number;
  /** Sequence length in the indexed dataset, including the end-of-document token. */
  tokens: number;
}

/** Sampling weight of a document; 0 when it is too short. The end-of-document token does not count. */
export function documentWeight(tokens: number, options: LongContextOptions): number {
  const textTokens = tokens - 1;
  if (textTokens < options.minTokens) return 0;
  return textTokens >= options.upweightMinTokens ? options.upweightFactor : 1;
}

/** Maps a string to a uniform number in [0, 1), stable across runs and platforms (FNV-1a, then a mix). */
export function stableUniform(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 2 ** 32;
}

/** Expected copies of each eligible document so that the weighted pool fills the budget. */
export function copiesScale(documents: Iterable<CandidateDocument>, options: LongContextOptions): number {
  let weightedTokens = 0;
  for (const document of documents) weightedTokens += documentWeight(document.tokens, options) * document.tokens;
  return weightedTokens > 0 ? options.budgetTokens / weightedTokens : 0;
}

/**
 * Whole copies of each document by systematic sampling: documents are visited in a seeded
 * hash order and each takes the integers its expected copies cross on a running sum that
 * starts at a seeded offset. Every document gets the floor or the ceiling of its expectation,
 * and the total stays within one copy of the sum of expectations, so the budget is met closely.
 */
export function assignCopies(documents: CandidateDocument[], scale: number, options: LongContextOptions): number[] {
  const order = documents.map((document, index) => ({ index, key: stableUniform(`${options.seed}:${document.prefix}:${document.sequence}`) }));
  order.sort((a, b) => a.key - b.key || a.index - b.index);

  const copies = new Array<number>(documents.length).fill(0);
  let running = stableUniform(`${options.seed}:offset`);
  for (const { index } of order) {
    const expected = documentWeight(documents[index]!.tokens, options) * scale;
    copies[index] = Math.floor(running + expected) - Math.floor(running);
    running += expected;
  }
  return copies;
}

/**
 * Concatenates documents and cuts the stream into sequences of `contextLength` tokens, the way
 * Megatron's GPT dataset packs: a document may continue into the next sequence. Feed documents
 * one at a time; `carry` keeps the unfinished sequence between calls.
 */
export class SequencePacker {
  private carry: number[] = [];

  constructor(private readonly contextLength: number) {}

  add(ids: ArrayLike<number>): number[][] {
    const full: number[][] = [];
    for (let i = 0; i < ids.length; i++) {
      this.carry.push(ids[i]!);
      if (this.carry.length === this.contextLength) {
        full.push(this.carry);
        this.carry = [];
      }
    }
    return full;
  }

  get tailLength(): number {
    return this.carry.length;
  }
}
