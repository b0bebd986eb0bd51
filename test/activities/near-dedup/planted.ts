// Seeded generators of planted near-duplicates for the near-dedup tests.
import { seededRandom } from '../../../activities/near-dedup/minhash';

export class TextGenerator {
  private readonly next: () => number;
  private readonly vocabulary: string[];

  constructor(seed: number, vocabularySize = 20_000) {
    this.next = seededRandom(seed);
    this.vocabulary = Array.from({ length: vocabularySize }, (_, i) => `w${i.toString(36)}`);
  }

  /** Uniform integer in [0, limit). */
  integer(limit: number): number {
    return this.next() % limit;
  }

  words(count: number): string[] {
    return Array.from({ length: count }, () => this.vocabulary[this.integer(this.vocabulary.length)]!);
  }

  /** Replaces `fraction` of the word positions, chosen without repetition, with random words. */
  editWords(words: string[], fraction: number): string[] {
    const edited = [...words];
    const positions = this.shuffle(Array.from({ length: words.length }, (_, i) => i)).slice(0, Math.round(words.length * fraction));
    for (const position of positions) edited[position] = this.words(1)[0]!;
    return edited;
  }

  shuffle<T>(items: T[]): T[] {
    const shuffled = [...items];
    for (let i = shuffled.length - 1; i > 0; i -= 1) {
      const j = this.integer(i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    return shuffled;
  }
}

/** Exact Jaccard similarity of two sets of shingle hashes. */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  const left = new Set(a);
  const right = new Set(b);
  let shared = 0;
  for (const value of left) if (right.has(value)) shared += 1;
  return shared / (left.size + right.size - shared);
}
