// Byte-pair merging with tiktoken's rule: repeatedly merge the adjacent pair of parts whose
// concatenated bytes have the lowest rank, the leftmost pair on ties, until no pair is in the
// vocabulary. Parts are always vocabulary tokens, and in cl100k a token's rank is its id. So a
// merge is a lookup of (left id, right id) in a pair table, and once a pair has been seen the
// hot path touches no byte strings.

/** Pairs remembered before the table is emptied; 2^20 entries take about 24 MB. */
const PAIR_LIMIT = 1 << 20;

/**
 * Maps an id pair to the id of their concatenation, or -1. Pairs are resolved through the ranks
 * on first use and remembered in an open-addressing table, because building all of cl100k's
 * splits up front took seconds and most are never needed.
 */
export class PairTable {
  private readonly lefts: Int32Array;
  private readonly rights: Int32Array;
  private readonly merged: Int32Array;
  private readonly mask: number;
  private size = 0;

  /**
   * @param tokenStrings each id's bytes as a string with one char per byte
   * @param ranks the reverse map, from such a string to its rank (= id)
   */
  constructor(
    private readonly tokenStrings: string[],
    private readonly ranks: Map<string, number>,
  ) {
    const capacity = PAIR_LIMIT * 2;
    this.lefts = new Int32Array(capacity).fill(-1);
    this.rights = new Int32Array(capacity);
    this.merged = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  /** Returns the id of the token made of `left` then `right`, or -1 when the vocabulary has none. */
  get(left: number, right: number): number {
    let slot = (Math.imul(left, 0x9e3779b1) ^ Math.imul(right, 0x85ebca77)) & this.mask;
    for (;;) {
      const stored = this.lefts[slot]!;
      if (stored === -1) break;
      if (stored === left && this.rights[slot] === right) return this.merged[slot]!;
      slot = (slot + 1) & this.mask;
    }

    const merged = this.ranks.get(this.tokenStrings[left]! + this.tokenStrings[right]!) ?? -1;
    if (this.size >= PAIR_LIMIT) {
      this.lefts.fill(-1);
      this.size = 0;
      return merged;
    }
    this.lefts[slot] = left;
    this.rights[slot] = right;
    this.merged[slot] = merged;
    this.size += 1;
    return merged;
  }
}

const NO_PAIR = 0x7fffffff;

/**
 * Merges the first `length` ids (initially one per byte) in place and returns how many parts
 * remain. Quadratic, for short pieces. `pairRanks` is scratch space of at least `length` entries.
 */
export function mergeShort(ids: Int32Array, length: number, pairs: PairTable, pairRanks: Int32Array): number {
  let count = length;
  for (let i = 0; i + 1 < count; i++) {
    const rank = pairs.get(ids[i]!, ids[i + 1]!);
    pairRanks[i] = rank < 0 ? NO_PAIR : rank;
  }

  while (count > 1) {
    let best = NO_PAIR;
    let at = -1;
    for (let i = 0; i + 1 < count; i++) {
      if (pairRanks[i]! < best) {
        best = pairRanks[i]!;
        at = i;
      }
    }
    if (at < 0) break;

    ids[at] = best;
    ids.copyWithin(at + 1, at + 2, count);
    pairRanks.copyWithin(at, at + 1, count - 1);
    count -= 1;
    if (at > 0) {
      const left = pairs.get(ids[at - 1]!, ids[at]!);
      pairRanks[at - 1] = left < 0 ? NO_PAIR : left;
    }
    if (at + 1 < count) {
      const right = pairs.get(ids[at]!, ids[at + 1]!);
      pairRanks[at] = right < 0 ? NO_PAIR : right;
    }
  }
  return count;
}

/** Merges like `mergeShort` with a binary heap over a linked list of parts, O(n log n) for long pieces. */
export function mergeLong(ids: Int32Array, length: number, pairs: PairTable): number {
  const n = length;
  // Parts are linked by position: next[i] is the position of the part after the one at i.
  const next = new Int32Array(n + 1);
  const prev = new Int32Array(n + 1);
  const alive = new Uint8Array(n + 1).fill(1);
  for (let i = 0; i <= n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
  }
  const heap = new MergeHeap();
  const push = (left: number) => {
    const right = next[left]!;
    if (right >= n) return;
    const rank = pairs.get(ids[left]!, ids[right]!);
    if (rank >= 0) heap.push(rank, left, right);
  };
  for (let i = 0; i + 1 < n; i++) push(i);

  while (heap.size > 0) {
    const { rank, left, right } = heap.pop();
    // Stale when either part has changed since the entry was pushed.
    if (!alive[left] || !alive[right] || next[left] !== right || pairs.get(ids[left]!, ids[right]!) !== rank) continue;
    ids[left] = rank;
    alive[right] = 0;
    next[left] = next[right]!;
    prev[next[right]!] = left;
    if (prev[left]! >= 0) push(prev[left]!);
    push(left);
  }

  let count = 0;
  for (let i = 0; i < n; i = next[i]!) ids[count++] = ids[i]!;
  return count;
}

/** Min-heap of candidate merges ordered by rank, then by position (leftmost first). */
class MergeHeap {
  private readonly ranks: number[] = [];
  private readonly lefts: number[] = [];
  private readonly rights: number[] = [];

  get size(): number {
    return this.ranks.length;
  }

  push(rank: number, left: number, right: number): void {
    this.ranks.push(rank);
    this.lefts.push(left);
    this.rights.push(right);
    let i = this.ranks.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): { rank: number; left: number; right: number } {
    const top = { rank: this.ranks[0]!, left: this.lefts[0]!, right: this.rights[0]! };
    const last = this.ranks.length - 1;
    this.swap(0, last);
    this.ranks.pop();
    this.lefts.pop();
    this.rights.pop();
    let i = 0;
    for (;;) {
      const child = 2 * i + 1;
      let smallest = i;
      if (child < this.ranks.length && this.less(child, smallest)) smallest = child;
      if (child + 1 < this.ranks.length && this.less(child + 1, smallest)) smallest = child + 1;
      if (smallest === i) return top;
      this.swap(i, smallest);
      i = smallest;
    }
  }

  private less(a: number, b: number): boolean {
    return this.ranks[a]! < this.ranks[b]! || (this.ranks[a] === this.ranks[b] && this.lefts[a]! < this.lefts[b]!);
  }

  private swap(a: number, b: number): void {
    [this.ranks[a], this.ranks[b]] = [this.ranks[b]!, this.ranks[a]!];
    [this.lefts[a], this.lefts[b]] = [this.lefts[b]!, this.lefts[a]!];
    [this.rights[a], this.rights[b]] = [this.rights[b]!, this.rights[a]!];
  }
}
