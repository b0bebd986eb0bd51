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
import { mergeLong, mergeShort, PairTable } from './bpe';
import { hashRange, PieceCache, TokenBuffer } from './piece-cache';
import { preTokenEnd } from './pre-tokenize';
import { CL100K_RANK_COUNT, PADDED_VOCAB_SIZE, SPECIAL_TOKENS } from './vocabulary';

/** Pre-tokens kept in the id cache before it is emptied. */
const CACHE_LIMIT = 200_000;
/** Longer pre-tokens (UTF-16 units) are not cached: they rarely repeat and would crowd the pool. */
const MAX_CACHED_PIECE = 256;
/** Pieces longer than this many bytes merge with a heap instead of a quadratic scan. */
const SHORT_PIECE_BYTES = 64;

export interface RanksFile {
  pat_str: string;
  special_tokens: Record<string, number>;
  bpe_ranks: string;
}

function isAscii(piece: string): boolean {
  for (let i = 0; i < piece.length; i++) {
    if (piece.charCodeAt(i) > 0x7f) return false;
  }
  return true;
}

export class Cl100kEncoder {
  /** Rank (= id) of each token, keyed by its bytes as a string with one char per byte. */
  private readonly ranks = new Map<string, number>();
  private readonly byteIds = new Int32Array(256);
  private readonly pairs: PairTable;
  private readonly tokenBytes: Buffer[] = [];
  private readonly cache = new PieceCache(CACHE_LIMIT);

  constructor(file: RanksFile) {
    const fields = file.bpe_ranks.split(/\s+/).filter(Boolean);
    const firstRank = Number(fields[1]);
    const tokenStrings: string[] = [];
    for (let i = 2; i < fields.length; i++) {
      const bytes = Buffer.from(fields[i]!, 'base64');
      tokenStrings[firstRank + i - 2] = bytes.toString('latin1');
      this.ranks.set(tokenStrings[firstRank + i - 2]!, firstRank + i - 2);
      this.tokenBytes[firstRank + i - 2] = bytes;
    }
    if (this.ranks.size !== CL100K_RANK_COUNT) {
      throw new Error(`cl100k ranks file has ${this.ranks.size} ranks, expected ${CL100K_RANK_COUNT}`);
    }
    for (let byte = 0; byte < 256; byte++) this.byteIds[byte] = this.ranks.get(String.fromCharCode(byte))!;
    this.pairs = new PairTable(tokenStrings, this.ranks);
    for (const [text, id] of Object.entries(SPECIAL_TOKENS)) this.tokenBytes[id] = Buffer.from(text, 'utf8');
  }

  /**
   * Encodes text as plain text: a literal special-token string such as `<|endoftext|>` becomes
   * ordinary tokens, never the special id.
   */
  encode(text: string): number[] {
    const buffer = new TokenBuffer();
    this.encodeInto(text, buffer);
    return Array.from(buffer.view());
  }

  /** Encodes like `encode`, appending to a reusable buffer (no allocation when pre-tokens are cached). */
  encodeInto(text: string, out: TokenBuffer): void {
    for (let start = 0, end = 0; start < text.length; start = end) {
      end = preTokenEnd(text, start);
      if (end - start > MAX_CACHED_PIECE) {
        for (const id of this.encodePiece(text.slice(start, end))) out.push(id);
        continue;
      }
      const hash = hashRange(text, start, end);
      if (this.cache.appendIfCached(text, start, end, hash, out)) continue;
      const piece = text.slice(start, end);
      const ids = this.encodePiece(piece);
      this.cache.insert(piece, hash, ids);
      for (const id of ids) out.push(id);
    }
  }

  /** Forgets cached pre-token ids; for measuring the encoder without its cache. */
  clearCache(): void {
    this.cache.clear();
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

  private encodePiece(piece: string): Int32Array {
    const ascii = isAscii(piece);
    // tiktoken takes a whole piece that is itself a token before merging anything.
    const whole = this.ranks.get(ascii ? piece : Buffer.from(piece, 'utf8').toString('latin1'));
    if (whole !== undefined) return Int32Array.of(whole);

    const bytes = ascii ? undefined : Buffer.from(piece, 'utf8');
    const length = bytes ? bytes.length : piece.length;
    const ids = new Int32Array(length);
    for (let i = 0; i < length; i++) ids[i] = this.byteIds[bytes ? bytes[i]! : piece.charCodeAt(i)]!;
    const count = length > SHORT_PIECE_BYTES ? mergeLong(ids, this.pairs) : mergeShort(ids, this.pairs);
    return ids.subarray(0, count);
  }
}

let ranksFile: RanksFile | undefined;
let shared: Cl100kEncoder | undefined;

/** Reads the cl100k_base ranks file of the `tiktoken` npm package, once per process. */
export function cl100kRanks(): RanksFile {
  if (!ranksFile) {
    const path = createRequire(import.meta.url).resolve('tiktoken/encoders/cl100k_base.json');
    ranksFile = JSON.parse(readFileSync(path, 'utf8')) as RanksFile;
  }
  return ranksFile;
}

/** Returns the process-wide encoder, built on first use (about 0.2 s). */
export function cl100k(): Cl100kEncoder {
  shared ??= new Cl100kEncoder(cl100kRanks());
  return shared;
}
