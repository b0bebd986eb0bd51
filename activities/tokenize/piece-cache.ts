// Cache of pre-token ids keyed by a range of the text being encoded, so a hit allocates
// nothing: no substring and no array. Words repeat (Zipf), so most pre-tokens are hits. Slicing
// each pre-token and looking it up in a Map<string> took about 60% of encoding time.

/** Growable list of token ids, reused across documents to avoid an allocation per document. */
export class TokenBuffer {
  ids = new Int32Array(1 << 12);
  length = 0;

  push(id: number): void {
    if (this.length === this.ids.length) this.grow(this.length + 1);
    this.ids[this.length++] = id;
  }

  pushAll(source: Int32Array, start: number, count: number): void {
    if (this.length + count > this.ids.length) this.grow(this.length + count);
    this.ids.set(source.subarray(start, start + count), this.length);
    this.length += count;
  }

  /** Returns the ids written so far, valid until the next write. */
  view(): Int32Array {
    return this.ids.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
  }

  private grow(needed: number): void {
    let size = this.ids.length * 2;
    while (size < needed) size *= 2;
    const grown = new Int32Array(size);
    grown.set(this.ids.subarray(0, this.length));
    this.ids = grown;
  }
}

/** Ids the cache stores before it is emptied, whatever its entry count (64 MB). */
const MAX_POOL_IDS = 1 << 24;

/** FNV-1a over the UTF-16 units of text[start, end). */
export function hashRange(text: string, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}

/**
 * Open-addressing table from pre-token text to ids. It keeps at most `limit` entries and
 * MAX_POOL_IDS ids and is emptied when either fills up, which bounds its memory to about 100 MB.
 */
export class PieceCache {
  private keys: Array<string | undefined>;
  private readonly hashes: Int32Array;
  /** Offset of the entry's ids in `pool`; the pool stores a count, then the ids. */
  private readonly offsets: Int32Array;
  private pool = new Int32Array(1 << 20);
  private poolUsed = 0;
  private readonly mask: number;
  size = 0;

  constructor(private readonly limit = 200_000) {
    let capacity = 1;
    while (capacity < limit * 2.5) capacity *= 2;
    this.keys = new Array<string | undefined>(capacity);
    this.hashes = new Int32Array(capacity);
    this.offsets = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  /** Appends the cached ids of text[start, end) to `out` and returns true, or returns false. */
  appendIfCached(text: string, start: number, end: number, hash: number, out: TokenBuffer): boolean {
    const length = end - start;
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const key = this.keys[slot];
      if (key === undefined) return false;
      if (this.hashes[slot] !== hash || key.length !== length) continue;
      let same = true;
      for (let i = 0; i < length; i++) {
        if (key.charCodeAt(i) !== text.charCodeAt(start + i)) {
          same = false;
          break;
        }
      }
      if (!same) continue;
      const offset = this.offsets[slot]!;
      const count = this.pool[offset]!;
      if (count === 1) out.push(this.pool[offset + 1]!);
      else out.pushAll(this.pool, offset + 1, count);
      return true;
    }
  }

  /** Stores the first `count` entries of `ids` as the ids of `piece`. */
  insert(piece: string, hash: number, ids: Int32Array, count: number): void {
    if (this.size >= this.limit || this.poolUsed > MAX_POOL_IDS) this.clear();
    if (this.poolUsed + count + 1 > this.pool.length) {
      const grown = new Int32Array(Math.max(this.pool.length * 2, this.poolUsed + count + 1));
      grown.set(this.pool.subarray(0, this.poolUsed));
      this.pool = grown;
    }
    let slot = hash & this.mask;
    while (this.keys[slot] !== undefined) slot = (slot + 1) & this.mask;
    this.keys[slot] = piece;
    this.hashes[slot] = hash;
    this.offsets[slot] = this.poolUsed;
    this.pool[this.poolUsed++] = count;
    for (let i = 0; i < count; i++) this.pool[this.poolUsed++] = ids[i]!;
    this.size += 1;
  }

  clear(): void {
    this.keys = new Array<string | undefined>(this.keys.length);
    this.poolUsed = 0;
    this.size = 0;
  }
}
