import { describe, expect, it } from 'vitest';
import { PRE_TOKEN_PATTERN, preTokenEnd } from '../../../activities/tokenize/pre-tokenize';
import { HARD_CASES, randomText, sharedDocuments } from './fixtures';

function scannerPieces(text: string): string[] {
  const pieces: string[] = [];
  for (let start = 0, end = 0; start < text.length; start = end) {
    end = preTokenEnd(text, start);
    pieces.push(text.slice(start, end));
  }
  return pieces;
}

function regexPieces(text: string): string[] {
  return Array.from(text.matchAll(new RegExp(PRE_TOKEN_PATTERN, 'gu')), (match) => match[0]);
}

describe('pre-tokenizer', () => {
  it('matches the pattern on shared documents and hard cases', () => {
    const texts = [...Object.values(HARD_CASES), ...sharedDocuments().map((document) => document.text)];
    for (const text of texts) expect(scannerPieces(text)).toEqual(regexPieces(text));
  });

  it('matches the pattern on random text', () => {
    for (let seed = 1; seed <= 3_000; seed++) {
      const text = randomText(seed, 1 + (seed % 40));
      expect(scannerPieces(text), JSON.stringify(text)).toEqual(regexPieces(text));
    }
  });

  it('splits whitespace runs like tiktoken', () => {
    expect(scannerPieces('a   b')).toEqual(['a', '  ', ' b']);
    expect(scannerPieces('x \n\n  y')).toEqual(['x', ' \n\n', ' ', ' y']);
    expect(scannerPieces('end  ')).toEqual(['end', '  ']);
    expect(scannerPieces("it's 12345")).toEqual(['it', "'s", ' ', '123', '45']);
  });
});
