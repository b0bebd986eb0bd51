import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBuckets, encodeBuckets, partitionOf, readBucketSection } from '../../../activities/near-dedup/files';
import { candidatePairs } from '../../../activities/near-dedup/find-bucket-candidates';
import type { SectionEntries } from '../../../activities/near-dedup/find-bucket-candidates';

let folder: string;

beforeAll(async () => {
  folder = await fs.mkdtemp(path.join(os.tmpdir(), 'near-dedup-files-'));
});

afterAll(async () => {
  await fs.rm(folder, { recursive: true, force: true });
});

describe('bucket files', () => {
  const bands = 3;
  const partitions = 4;
  // Document d has, in band b, the hash high word (d * 0x2000_0000 + b) spread over all partitions.
  const documents = 8;
  const entries = new Uint32Array(documents * bands * 3);
  const entryBands = new Uint16Array(documents * bands);
  for (let document = 0; document < documents; document += 1) {
    for (let band = 0; band < bands; band += 1) {
      const entry = document * bands + band;
      entries.set([document * 0x2000_0000 + band, 7, document], entry * 3);
      entryBands[entry] = band;
    }
  }

  it('read one section with range reads', async () => {
    const uri = pathToFileURL(path.join(folder, 'shard.bkt')).href;
    await fs.writeFile(new URL(uri), encodeBuckets(entries, entryBands, bands, partitions));

    for (let band = 0; band < bands; band += 1) {
      for (let partition = 0; partition < partitions; partition += 1) {
        const section = await readBucketSection(uri, band, partition);
        const expected = [];
        for (let document = 0; document < documents; document += 1) {
          const high = document * 0x2000_0000 + band;
          if (partitionOf(high, partitions) === partition) expected.push(high, 7, document);
        }
        expect(Array.from(section)).toEqual(expected);
      }
    }
  });

  it('decode to the entries they encode', () => {
    const decoded = decodeBuckets(encodeBuckets(entries, entryBands, bands, partitions), 'memory');
    expect(decoded.entries.length).toBe(entries.length);
    expect(Array.from(decoded.entryBands).filter((band) => band === 2)).toHaveLength(documents);
  });
});

function section(rows: [high: number, ordinal: number, document: number, published: 0 | 1][]): SectionEntries {
  return {
    count: rows.length,
    high: Uint32Array.from(rows.map((row) => row[0])),
    low: new Uint32Array(rows.length),
    ordinal: Uint32Array.from(rows.map((row) => row[1])),
    documentIndex: Uint32Array.from(rows.map((row) => row[2])),
    published: Uint8Array.from(rows.map((row) => row[3])),
  };
}

describe('candidate pairs', () => {
  it('link bucket members to the earliest document', () => {
    const { pairs, sharedBuckets } = candidatePairs(section([[5, 2, 0, 0], [9, 0, 1, 0], [5, 0, 4, 0], [5, 1, 3, 0]]));
    expect(sharedBuckets).toBe(1);
    expect(Array.from(pairs)).toEqual([0, 4, 1, 3, 0, 4, 2, 0]);
  });

  it('prefer a published anchor and skip published-only buckets', () => {
    const { pairs, sharedBuckets } = candidatePairs(section([[5, 0, 0, 1], [5, 1, 0, 1], [5, 2, 6, 0], [8, 0, 2, 1], [8, 1, 3, 1]]));
    expect(sharedBuckets).toBe(1);
    expect(Array.from(pairs)).toEqual([0, 0, 2, 6]);
  });
});
