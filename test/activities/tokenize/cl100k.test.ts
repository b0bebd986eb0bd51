import { describe, expect, it } from 'vitest';
import { get_encoding } from 'tiktoken';
import { cl100k } from '../../../activities/tokenize/cl100k';
import { PADDED_VOCAB_SIZE, SPECIAL_TOKENS } from '../../../activities/tokenize/vocabulary';
import { ALPHABET, HARD_CASES, pythonTiktokenIds, randomText, sharedDocuments } from './fixtures';

const encoder = cl100k();
const cases = [...Object.entries(HARD_CASES).map(([name, text]) => ({ name, text })), ...sharedDocuments()];

describe('cl100k encoder', () => {
  it('round-trips shared documents and hard cases', () => {
    for (const { name, text } of cases) {
      expect(encoder.decode(encoder.encode(text)), name).toBe(text);
    }
  });

  it('matches Python tiktoken ids', () => {
    const expected = pythonTiktokenIds(cases.map((item) => item.text));
    cases.forEach(({ name, text }, index) => {
      expect(encoder.encode(text), name).toEqual(expected[index]);
    });
  });

  it('matches Python tiktoken ids on random text', () => {
    // Lone surrogates are left out: a JSON string cannot carry them to Python intact.
    const alphabet = ALPHABET.filter((entry) => !/^[\ud800-\udfff]$/.test(entry));
    const texts = Array.from({ length: 600 }, (_, seed) => randomText(seed + 1, 1 + (seed % 60), alphabet));
    const expected = pythonTiktokenIds(texts);
    texts.forEach((text, index) => expect(encoder.encode(text), JSON.stringify(text)).toEqual(expected[index]));
  });

  it('matches the tiktoken WebAssembly build', () => {
    const wasm = get_encoding('cl100k_base');
    try {
      for (const { name, text } of cases) {
        expect(encoder.encode(text), name).toEqual(Array.from(wasm.encode_ordinary(text)));
      }
    } finally {
      wasm.free();
    }
  });

  it('encodes special-token literals as text', () => {
    const ids = encoder.encode(HARD_CASES.specialTokenLiterals!);
    const specialIds = new Set(Object.values(SPECIAL_TOKENS));
    expect(ids.filter((id) => specialIds.has(id))).toEqual([]);
    expect(encoder.decode(ids)).toBe(HARD_CASES.specialTokenLiterals);
  });

  it('gives the same ids with a warm cache', () => {
    const text = HARD_CASES.cjk! + HARD_CASES.emoji!;
    expect(encoder.encode(text)).toEqual(encoder.encode(text));
  });

  it('decodes special ids to their strings', () => {
    expect(encoder.decode([SPECIAL_TOKENS['<|im_start|>']!, 882, SPECIAL_TOKENS['<|im_sep|>']!])).toBe('<|im_start|>user<|im_sep|>');
  });

  it('rejects padding and out-of-range ids on decode', () => {
    expect(() => encoder.decode([15339, 100_300])).toThrow('Cannot decode token id 100300 at position 1: it is a padding id with no text');
    expect(() => encoder.decode([PADDED_VOCAB_SIZE])).toThrow('it is outside the vocabulary');
  });
});
