import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { computeMixture, mixturePaths } from '../../../activities/mixture/compute-mixture';
import { megatronDataPath, planMixture } from '../../../activities/mixture/mixture';
import { cl100k } from '../../../activities/tokenize/cl100k';
import { tokenizeShard } from '../../../activities/tokenize/tokenize-shard';
import { MixtureManifest } from '../../../schemas/mixture';

const folder = mkdtempSync(path.join(tmpdir(), 'mixture-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const PHI4 = [
  { name: 'web', fraction: 0.15, uniqueTokens: 1.3e12, epochs: 1.2 },
  { name: 'web_rewrites', fraction: 0.15, uniqueTokens: 290e9, epochs: 5.2 },
  { name: 'synthetic', fraction: 0.4, uniqueTokens: 290e9, epochs: 13.8 },
  { name: 'code', fraction: 0.2, uniqueTokens: 820e9, epochs: 2.4 },
  { name: 'acquired', fraction: 0.1, uniqueTokens: 580e9, epochs: 1.7 },
];

describe('mixture plan', () => {
  it('reproduces the phi-4 table', () => {
    const plan = planMixture(
      PHI4.map((row) => ({ ...row, datasets: [] })),
      10e12,
      16,
    );
    for (const [index, expected] of PHI4.entries()) {
      const row = plan.sources[index]!;
      expect(row.name).toBe(expected.name);
      expect(Number(row.epochs.toFixed(1)), expected.name).toBe(expected.epochs);
      expect(row.totalTokens).toBeCloseTo(expected.fraction * 10e12, -3);
    }
    expect(plan.sources.reduce((sum, row) => sum + row.totalTokens, 0)).toBeCloseTo(10e12, -3);
    expect(plan.warnings).toEqual([]);
  });

  it('warns past the epoch limit', () => {
    const plan = planMixture(
      PHI4.map((row) => ({ ...row, datasets: [] })),
      10e12,
      4,
    );
    expect(plan.warnings).toHaveLength(2);
    expect(plan.warnings[0]).toBe(
      'Source "web_rewrites" would be repeated 5.2 times (0.15 of 10000000000000 tokens from 290000000000 unique), past the limit of 4 epochs; add unique data or lower its fraction',
    );
    expect(plan.warnings[1]).toContain('Source "synthetic" would be repeated 13.8 times');
  });

  it('rejects fractions that do not sum to 1', () => {
    expect(() => planMixture([{ name: 'web', fraction: 0.5, uniqueTokens: 10, datasets: [] }], 100, 4)).toThrow(
      'Mixture fractions must sum to 1, found 0.5 (web=0.5)',
    );
  });

  it('weights datasets by size inside a source', () => {
    const plan = planMixture(
      [
        { name: 'web', fraction: 0.75, uniqueTokens: 400, datasets: [{ prefix: 'file:///d/web-0', tokens: 300 }, { prefix: 'file:///d/web-1', tokens: 100 }] },
        { name: 'code', fraction: 0.25, uniqueTokens: 50, datasets: [{ prefix: 's3://b/code-0', tokens: 50 }] },
      ],
      1000,
      4,
    );
    expect(megatronDataPath(plan)).toBe('0.5625 /d/web-0 0.1875 /d/web-1 0.25 s3://b/code-0');
    expect(plan.warnings).toEqual(['Source "code" would be repeated 5.0 times (0.25 of 1000 tokens from 50 unique), past the limit of 4 epochs; add unique data or lower its fraction']);
  });
});

describe('computeMixture', () => {
  it('counts unique tokens from token shards', async () => {
    const output = path.join(folder, 'run');
    const manifests: Record<string, string[]> = {};
    for (const [source, texts] of Object.entries({ web: ['one web page', 'another page of the web'], code: ['def f():\n    return 1\n'] })) {
      const input = path.join(folder, `${source}.jsonl.gz`);
      const lines = texts.map((text, index) => JSON.stringify({ id: `${source}-${index}`, text, source, metadata: { inputUri: input, recordIndex: index } }));
      writeFileSync(input, gzipSync(lines.join('\n')));
      const result = await tokenizeShard({ inputUri: input, outputUri: output, dataset: source, shardIndex: 0 });
      manifests[source] = [result.manifestUri];
    }

    const result = await computeMixture({
      outputUri: output,
      targetTokens: 1000,
      sources: [
        { name: 'web', fraction: 0.8, tokenShardManifests: manifests.web },
        { name: 'code', fraction: 0.2, tokenShardManifests: manifests.code },
      ],
    });

    const manifest = MixtureManifest.parse(JSON.parse(readFileSync(result.manifestUri, 'utf8')));
    // Each document contributes its ids plus one end-of-document token.
    const tokens = (texts: string[]) => texts.reduce((sum, text) => sum + cl100k().encode(text).length + 1, 0);
    const webTokens = tokens(['one web page', 'another page of the web']);
    expect(manifest.sources.map((row) => row.uniqueTokens)).toEqual([webTokens, tokens(['def f():\n    return 1\n'])]);
    expect(result.sources[0]!.epochs).toBeCloseTo(800 / webTokens);
    expect(result.warnings).toHaveLength(2);
    expect(readFileSync(mixturePaths(output).dataPath, 'utf8').trim()).toBe(
      `0.8 ${output}/tokenize/web/shard-00000 0.2 ${output}/tokenize/code/shard-00000`,
    );
  });

  it('fails without retry on a bad mixture', async () => {
    await expect(
      computeMixture({ outputUri: path.join(folder, 'bad'), sources: [{ name: 'web', fraction: 0.4, uniqueTokens: 10 }] }),
    ).rejects.toMatchObject({ type: 'invalid_mixture', nonRetryable: true });
  });
});
