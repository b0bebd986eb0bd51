// cl100k_base byte-pair encoding in plain TypeScript, with ids identical to OpenAI's tiktoken.
//
// Why not a package: on the same 1.7 MB of web, multilingual and benchmark text (one core,
// Node 20, this 2-core machine), Python tiktoken 0.14 `encode_ordinary` ran at 10.6 MB/s,
// the `tiktoken` npm WebAssembly build 1.0.22 at 2.9 MB/s (0.27x) and js-tiktoken 1.0.21 at
// 1.6 MB/s (0.15x). js-tiktoken also gives different ids for text with U+0085 (NEL), because
// it runs tiktoken's pattern with JavaScript's `\s`, which lacks U+0085 and adds U+FEFF. This
// encoder reaches and passes Python's speed by caching the ids of each pre-token (words repeat)
// and keying ranks by byte strings; bench/tokenize.ts measures it against Python tiktoken on
// every run and checks that the ids are identical.
//
// The merge ranks come from the `tiktoken` npm package's cl100k_base.json, whose ranks hash to
// the sha256 tiktoken pins for cl100k_base.tiktoken (223921b7…b2a7).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CL100K_RANK_COUNT, PADDED_VOCAB_SIZE, SPECIAL_TOKENS } from './vocabulary';

// tiktoken's pattern, written for JavaScript. Rust's `\s` is the Unicode White_Space property,
// so it is spelled out here. `(?i:'s|…)` is expanded by hand: under Unicode simple case folding
// only `s` has a non-ASCII variant (U+017F, long s).
const WHITESPACE = '\\t\\n\\v\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PRE_TOKEN_PATTERN = [
  "'(?:[sS\\u017f]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])",
  '[^\\r\\n\\p{L}\\p{N}]?\\p{L}+',
  '\\p{N}{1,3}',
  ` ?[^${WHITESPACE}\\p{L}\\p{N}]+[\\r\\n]*`,
  `[${WHITESPACE}]*[\\r\\n]+`,
  `[${WHITESPACE}]+(?![^${WHITESPACE}])`,
  `[${WHITESPACE}]+`,
].join('|');

/** Pre-tokens kept in the id cache before it is cleared; bounds memory at roughly 30 MB. */
const CACHE_LIMIT = 200_000;
/** Pre-tokens longer than this many bytes merge with a heap instead of a linear scan. */
const LINEAR_MERGE_LIMIT = 128;

interface RanksFile {
  pat_str: string;
  special_tokens: Record<string, number>;
  bpe_ranks: string;
}

/** A piece's bytes as a string with one char per byte, the key of the ranks map. */
function byteString(piece: string): string {
  for (let i = 0; i < piece.length; i++) {
    if (piece.charCodeAt(i) > 0x7f) return Buffer.from(piece, 'utf8').toString('latin1');
  }
  return piece;
}

export class Cl100kEncoder {
  private readonly ranks = new Map<string, number>();
  private readonly tokenBytes: Buffer[] = [];
  private readonly cache = new Map<string, number | number[]>();
  private readonly preTokens = new RegExp(PRE_TOKEN_PATTERN, 'gu');

  constructor(file: RanksFile) {
    const fields = file.bpe_ranks.split(/\s+/).filter(Boolean);
    const firstRank = Number(fields[1]);
    for (let i = 2; i < fields.length; i++) {
      const bytes = Buffer.from(fields[i]!, 'base64');
      this.ranks.set(bytes.toString('latin1'), firstRank + i - 2);
      this.tokenBytes[firstRank + i - 2] = bytes;
    }
    if (this.ranks.size !== CL100K_RANK_COUNT) {
      throw new Error(`cl100k ranks file has ${this.ranks.size} ranks, expected ${CL100K_RANK_COUNT}`);
    }
    for (const [text, id] of Object.entries(SPECIAL_TOKENS)) this.tokenBytes[id] = Buffer.from(text, 'utf8');
  }

  /**
   * Encodes text as plain text: a literal special-token string such as `<|endoftext|>` becomes
   * ordinary tokens, never the special id. Appends to `out` and returns it.
   */
  encode(text: string, out: number[] = []): number[] {
    const preTokens = this.preTokens;
    preTokens.lastIndex = 0;
    let match: RegExpExecArray | null;
    while ((match = preTokens.exec(text)) !== null) {
      const piece = match[0];
      let ids = this.cache.get(piece);
      if (ids === undefined) {
        ids = this.encodePiece(byteString(piece));
        if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
        this.cache.set(piece, ids);
      }
      if (typeof ids === 'number') out.push(ids);
      else for (const id of ids) out.push(id);
    }
    return out;
  }

  /** Decodes ids to the UTF-8 bytes they stand for; special ids become their literal strings. */
  decodeBytes(ids: ArrayLike<number>): Buffer {
    const parts: Buffer[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const bytes = this.tokenBytes[id];
      if (bytes === undefined) {
        const kind = id >= 0 && id < PADDED_VOCAB_SIZE ? 'a padding id with no text' : 'outside the vocabulary';
        throw new Error(`Cannot decode token id ${id} at position ${i}: it is ${kind}`);
      }
      parts.push(bytes);
    }
    return Buffer.concat(parts);
  }

  decode(ids: ArrayLike<number>): string {
    return this.decodeBytes(ids).toString('utf8');
  }

  private encodePiece(bytes: string): number | number[] {
    const rank = this.ranks.get(bytes);
    if (rank !== undefined) return rank;
    const bounds = bytes.length > LINEAR_MERGE_LIMIT ? this.mergeWithHeap(bytes) : this.mergeLinear(bytes);
    const ids: number[] = [];
    for (let i = 0; i + 1 < bounds.length; i++) ids.push(this.ranks.get(bytes.slice(bounds[i], bounds[i + 1]))!);
    return ids.length === 1 ? ids[0]! : ids;
  }

  private pairRank(bytes: string, start: number, end: number): number {
    return this.ranks.get(bytes.slice(start, end)) ?? Infinity;
  }

  /**
   * Returns part boundaries after repeatedly merging the adjacent pair with the lowest rank,
   * the leftmost pair on ties, which is tiktoken's rule. O(n^2), fast for short pieces.
   */
  private mergeLinear(bytes: string): number[] {
    const bounds: number[] = [];
    for (let i = 0; i <= bytes.length; i++) bounds.push(i);
    const pairRanks: number[] = [];
    for (let i = 0; i + 2 < bounds.length; i++) pairRanks.push(this.pairRank(bytes, bounds[i]!, bounds[i + 2]!));

    for (;;) {
      let best = Infinity;
      let at = -1;
      for (let i = 0; i < pairRanks.length; i++) {
        if (pairRanks[i]! < best) {
          best = pairRanks[i]!;
          at = i;
        }
      }
      if (at < 0) return bounds;
      bounds.splice(at + 1, 1);
      pairRanks.splice(at, 1);
      if (at > 0) pairRanks[at - 1] = this.pairRank(bytes, bounds[at - 1]!, bounds[at + 1]!);
      if (at < pairRanks.length) pairRanks[at] = this.pairRank(bytes, bounds[at]!, bounds[at + 2]!);
    }
  }

  /** The same merge rule with a binary heap and a linked list of parts, for long pieces. */
  private mergeWithHeap(bytes: string): number[] {
    const n = bytes.length;
    // next[i] is where the part starting at byte i ends; n is the end sentinel.
    const next = new Int32Array(n + 1);
    const prev = new Int32Array(n + 1);
    const alive = new Uint8Array(n + 1).fill(1);
    for (let i = 0; i <= n; i++) {
      next[i] = i + 1;
      prev[i] = i - 1;
    }
    const heap = new PairHeap();
    for (let i = 0; i + 2 <= n; i++) this.pushPair(heap, bytes, i, i + 2);

    while (heap.size > 0) {
      const { start, end } = heap.pop();
      // An entry is stale when an earlier merge changed either of its two parts.
      const middle = next[start]!;
      if (!alive[start] || middle >= end || next[middle] !== end) continue;

      alive[middle] = 0;
      next[start] = end;
      prev[end] = start;
      if (prev[start]! >= 0) this.pushPair(heap, bytes, prev[start]!, end);
      if (end < n) this.pushPair(heap, bytes, start, next[end]!);
    }

    const bounds: number[] = [];
    for (let i = 0; i < n; i = next[i]!) bounds.push(i);
    bounds.push(n);
    return bounds;
  }

  private pushPair(heap: PairHeap, bytes: string, start: number, end: number): void {
    const rank = this.ranks.get(bytes.slice(start, end));
    if (rank !== undefined) heap.push(rank, start, end);
  }
}

/** Min-heap of candidate merges ordered by rank, then by start offset (leftmost first). */
class PairHeap {
  private readonly items: { rank: number; start: number; end: number }[] = [];

  get size(): number {
    return this.items.length;
  }

  push(rank: number, start: number, end: number): void {
    const items = this.items;
    items.push({ rank, start, end });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): { rank: number; start: number; end: number } {
    const items = this.items;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && this.less(left, smallest)) smallest = left;
        if (right < items.length && this.less(right, smallest)) smallest = right;
        if (smallest === i) break;
        [items[i], items[smallest]] = [items[smallest]!, items[i]!];
        i = smallest;
      }
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const x = this.items[a]!;
    const y = this.items[b]!;
    return x.rank < y.rank || (x.rank === y.rank && x.start < y.start);
  }
}

let shared: Cl100kEncoder | undefined;

/** Loads the cl100k ranks once per process (about 0.5 s) and returns the shared encoder. */
export function cl100k(): Cl100kEncoder {
  if (!shared) {
    const path = createRequire(import.meta.url).resolve('tiktoken/encoders/cl100k_base.json');
    shared = new Cl100kEncoder(JSON.parse(readFileSync(path, 'utf8')) as RanksFile);
  }
  return shared;
}
