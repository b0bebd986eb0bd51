import { describe, expect, it } from 'vitest';
import { mergeLong, mergeShort, PairTable } from '../../../activities/tokenize/bpe';
import { hashRange, PieceCache, TokenBuffer } from '../../../activities/tokenize/piece-cache';

// A toy vocabulary: bytes a=0, b=1, c=2, then ab=3, bc=4, abc=5, cc=6.
function toyPairs(): PairTable {
  const tokens = ['a', 'b', 'c', 'ab', 'bc', 'abc', 'cc'];
  return new PairTable(tokens, new Map(tokens.map((token, id) => [token, id])));
}

function mergeWith(merge: 'short' | 'long', ids: number[]): number[] {
  // Extra room after the ids checks that only the first `length` entries are used.
  const parts = Int32Array.from([...ids, 0, 0]);
  const count = merge === 'short' ? mergeShort(parts, ids.length, toyPairs(), new Int32Array(ids.length)) : mergeLong(parts, ids.length, toyPairs());
  return Array.from(parts.subarray(0, count));
}

describe('byte-pair merge', () => {
  it('merges the lowest rank first', () => {
    // ab (rank 3) beats bc (rank 4), then ab+c becomes abc (rank 5).
    expect(mergeWith('short', [0, 1, 2])).toEqual([5]);
    expect(mergeWith('short', [2, 2, 2])).toEqual([6, 2]);
  });

  it('gives the same parts with the heap', () => {
    let seed = 7;
    for (let round = 0; round < 500; round++) {
      const ids = Array.from({ length: 1 + (round % 90) }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 3);
      expect(mergeWith('long', ids)).toEqual(mergeWith('short', ids));
    }
  });

  it('resolves pairs through the ranks', () => {
    const pairs = toyPairs();
    expect(pairs.get(0, 4)).toBe(5);
    expect(pairs.get(3, 2)).toBe(5);
    expect(pairs.get(2, 0)).toBe(-1);
    expect(pairs.get(2, 0)).toBe(-1);
  });
});

describe('piece cache', () => {
  it('returns cached ids for an equal range', () => {
    const cache = new PieceCache(4);
    cache.insert('word', hashRange('word', 0, 4), Int32Array.from([7, 8]), 2);
    const out = new TokenBuffer();
    expect(cache.appendIfCached('a word', 2, 6, hashRange('a word', 2, 6), out)).toBe(true);
    expect(cache.appendIfCached('a wore', 2, 6, hashRange('a wore', 2, 6), out)).toBe(false);
    expect(Array.from(out.view())).toEqual([7, 8]);
  });

  it('empties itself at its limit', () => {
    const cache = new PieceCache(2);
    for (const piece of ['x', 'y', 'z']) cache.insert(piece, hashRange(piece, 0, 1), Int32Array.from([1]), 1);
    expect(cache.size).toBe(1);
    expect(cache.appendIfCached('x', 0, 1, hashRange('x', 0, 1), new TokenBuffer())).toBe(false);
  });

  it('grows the token buffer past its first size', () => {
    const buffer = new TokenBuffer();
    for (let i = 0; i < 10_000; i++) buffer.push(i);
    buffer.pushAll(Int32Array.from([1, 2, 3]), 1, 2);
    expect(buffer.length).toBe(10_002);
    expect(Array.from(buffer.view().subarray(9_998))).toEqual([9_998, 9_999, 2, 3]);
  });
});
