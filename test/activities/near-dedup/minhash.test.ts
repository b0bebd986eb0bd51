import { describe, expect, it } from 'vitest';
import { buildClusters } from '../../../activities/near-dedup/clusters';
import type { ClusterNode } from '../../../activities/near-dedup/clusters';
import { MinHasher, bandHashes, catchProbability, estimatedSimilarity, shingleHashes } from '../../../activities/near-dedup/minhash';
import { TextGenerator, jaccard } from './planted';

const BANDS = 14;
const ROWS = 8;
const WORD_SHINGLES = { kind: 'word', size: 5 } as const;
const hasher = new MinHasher(BANDS * ROWS, 1);

function signatureOf(text: string): Uint32Array {
  return hasher.signature(shingleHashes(text, WORD_SHINGLES));
}

function shareBucket(a: Uint32Array, b: Uint32Array): boolean {
  const bandsA = bandHashes(a, BANDS, ROWS);
  const bandsB = bandHashes(b, BANDS, ROWS);
  for (let band = 0; band < BANDS; band += 1) {
    if (bandsA[band * 2] === bandsB[band * 2] && bandsA[band * 2 + 1] === bandsB[band * 2 + 1]) return true;
  }
  return false;
}

interface CatchRate {
  observed: number;
  expected: number;
  meanJaccard: number;
}

/** Catch rate of planted pairs next to the S-curve's prediction from each pair's exact Jaccard. */
function measureCatchRate(pairs: [string, string][]): CatchRate {
  let caught = 0;
  let expected = 0;
  let similaritySum = 0;
  for (const [original, copy] of pairs) {
    const similarity = jaccard(shingleHashes(original, WORD_SHINGLES), shingleHashes(copy, WORD_SHINGLES));
    similaritySum += similarity;
    expected += catchProbability(similarity, BANDS, ROWS);
    if (shareBucket(signatureOf(original), signatureOf(copy))) caught += 1;
  }
  return { observed: caught / pairs.length, expected: expected / pairs.length, meanJaccard: similaritySum / pairs.length };
}

const PAIRS = 600;

/** Three binomial standard deviations of a rate measured over PAIRS pairs, at least 0.01. */
function tolerance(rate: number): number {
  return Math.max(0.01, 3 * Math.sqrt((rate * (1 - rate)) / PAIRS));
}

describe('S-curve', () => {
  it('matches 1-(1-s^r)^b at the reported similarities', () => {
    expect(catchProbability(0.7, BANDS, ROWS)).toBeCloseTo(0.5645, 3);
    expect(catchProbability(0.75, BANDS, ROWS)).toBeCloseTo(0.7716, 3);
    expect(catchProbability(0.8, BANDS, ROWS)).toBeCloseTo(0.9235, 3);
    expect(catchProbability(0.85, BANDS, ROWS)).toBeCloseTo(0.9884, 3);
  });
});

describe('MinHash signatures', () => {
  it('estimate Jaccard similarity without bias', () => {
    const generator = new TextGenerator(11);
    const errors: number[] = [];
    for (let i = 0; i < 300; i += 1) {
      const words = generator.words(300);
      const copy = generator.editWords(words, 0.05).join(' ');
      const exact = jaccard(shingleHashes(words.join(' '), WORD_SHINGLES), shingleHashes(copy, WORD_SHINGLES));
      errors.push(estimatedSimilarity(signatureOf(words.join(' ')), signatureOf(copy)) - exact);
    }
    const mean = errors.reduce((sum, error) => sum + error, 0) / errors.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
  });

  it('ignore case, punctuation and whitespace', () => {
    const text = 'The quick brown fox jumps over the lazy dog near the river bank today';
    const reformatted = 'THE   quick, brown fox -- jumps\nover the LAZY dog; near the river bank today!';
    expect(signatureOf(reformatted)).toEqual(signatureOf(text));
  });

  it('use character shingles for text without spaces', () => {
    const text = '人工智能迈上新台阶电脑已可利用记忆自学这项研究发表在自然杂志上';
    const shingles = shingleHashes(text, { kind: 'char', size: 5 });
    expect(shingles.length).toBe(Array.from(text).length - 4);
    expect(shingleHashes(text, WORD_SHINGLES).length).toBe(1);
  });
});

describe('planted near-duplicates', () => {
  const generator = new TextGenerator(2024);

  function editedPairs(fraction: number): [string, string][] {
    return Array.from({ length: PAIRS }, () => {
      const words = generator.words(300);
      return [words.join(' '), generator.editWords(words, fraction).join(' ')];
    });
  }

  it('catches 5% word edits at the S-curve rate', () => {
    const rate = measureCatchRate(editedPairs(0.05));
    // Each edit breaks the five shingles that contain it: Jaccard ~ 0.95^5 / (2 - 0.95^5) = 0.63.
    expect(rate.meanJaccard).toBeCloseTo(0.63, 1);
    expect(Math.abs(rate.observed - rate.expected)).toBeLessThan(tolerance(rate.expected));
    expect(rate.observed).toBeGreaterThan(0.2);
    expect(rate.observed).toBeLessThan(0.45);
  });

  it('catches 10% word edits at the S-curve rate', () => {
    const rate = measureCatchRate(editedPairs(0.1));
    expect(rate.meanJaccard).toBeCloseTo(0.42, 1);
    expect(Math.abs(rate.observed - rate.expected)).toBeLessThan(tolerance(rate.expected));
    expect(rate.observed).toBeLessThan(0.05);
  });

  it('misses 30% word edits as the S-curve predicts', () => {
    const rate = measureCatchRate(editedPairs(0.3));
    expect(rate.meanJaccard).toBeLessThan(0.15);
    expect(rate.observed).toBe(0);
  });

  it('catches shuffled paragraphs', () => {
    const pairs: [string, string][] = Array.from({ length: PAIRS }, () => {
      const paragraphs = Array.from({ length: 8 }, () => generator.words(40).join(' '));
      return [paragraphs.join('\n\n'), generator.shuffle(paragraphs).join('\n\n')];
    });
    const rate = measureCatchRate(pairs);
    expect(rate.meanJaccard).toBeGreaterThan(0.8);
    expect(Math.abs(rate.observed - rate.expected)).toBeLessThan(tolerance(rate.expected));
    expect(rate.observed).toBeGreaterThan(0.9);
  });

  it('ignores documents sharing only boilerplate', () => {
    const boilerplate = generator.words(80).join(' ');
    const pairs: [string, string][] = Array.from({ length: PAIRS }, () => [
      `${boilerplate}\n${generator.words(220).join(' ')}`,
      `${boilerplate}\n${generator.words(220).join(' ')}`,
    ]);
    const rate = measureCatchRate(pairs);
    expect(rate.meanJaccard).toBeLessThan(0.25);
    expect(rate.observed).toBe(0);
  });
});

function node(text: string, ordinal: number): ClusterNode {
  return { id: `doc-${ordinal}`, score: null, published: false, ordinal, documentIndex: 0, signature: signatureOf(text) };
}

describe('duplicate clusters', () => {
  const generator = new TextGenerator(7);

  it('keep boilerplate-sharing documents apart even when all are candidates', () => {
    const boilerplate = generator.words(100).join(' ');
    const nodes = Array.from({ length: 60 }, (_, i) => node(`${boilerplate} ${generator.words(200).join(' ')}`, i));
    const pairs: [number, number][] = [];
    for (let a = 0; a < nodes.length; a += 1) for (let b = a + 1; b < nodes.length; b += 1) pairs.push([a, b]);
    const result = buildClusters(nodes, pairs, 0.5);
    expect(result.verifiedPairs).toBe(0);
    expect(result.removals).toHaveLength(0);
  });

  it('bound a chain of overlapping windows by the kept document', () => {
    // Document i is words [30i, 30i + 300) of one stream: neighbours share 90% of their words,
    // documents ten steps apart share none, and union-find alone would join all 40.
    const stream = generator.words(30 * 40 + 300);
    const nodes = Array.from({ length: 40 }, (_, i) => node(stream.slice(30 * i, 30 * i + 300).join(' '), i));
    const pairs = Array.from({ length: 39 }, (_, i) => [i, i + 1] as [number, number]);
    const result = buildClusters(nodes, pairs, 0.5);
    expect(result.verifiedPairs).toBe(39);
    for (const removal of result.removals) {
      expect(estimatedSimilarity(removal.node.signature, removal.kept.signature)).toBeGreaterThanOrEqual(0.5);
      expect(Math.abs(removal.node.ordinal - removal.kept.ordinal)).toBeLessThanOrEqual(4);
    }
    expect(result.clusters.length).toBeGreaterThan(5);
    expect(Math.max(...result.clusters.map((cluster) => cluster.removed.length + 1))).toBeLessThanOrEqual(5);
  });

  it('keep the highest quality score, then the earliest', () => {
    const text = generator.words(200).join(' ');
    const nodes = [0, 1, 2].map((ordinal) => node(text, ordinal));
    nodes[1]!.score = 0.9;
    nodes[2]!.score = 0.9;
    const result = buildClusters(nodes, [[0, 1], [1, 2]], 0.5);
    expect(result.clusters).toHaveLength(1);
    expect(result.clusters[0]!.kept.id).toBe('doc-1');
    expect(result.removals.map((removal) => removal.node.id).sort()).toEqual(['doc-0', 'doc-2']);
  });

  it('never removes a published document', () => {
    const text = generator.words(200).join(' ');
    const nodes = [0, 1, 2].map((ordinal) => node(text, ordinal));
    nodes[0]!.published = true;
    nodes[1]!.published = true;
    nodes[2]!.score = 1;
    const result = buildClusters(nodes, [[0, 2], [1, 2]], 0.5);
    expect(result.removals.map((removal) => [removal.node.id, removal.kept.id])).toEqual([['doc-2', 'doc-0']]);
  });
});
