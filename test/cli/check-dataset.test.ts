// `corpusflow check-dataset` as a user runs it before a launch: exit code and message.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDecontaminationManifest } from '../../activities/decontaminate';
import { readDecontaminationRecord } from '../../activities/dataset/decontamination-record';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
let root: string;
let checked: string;
let unchecked: string;

async function checkDataset(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'cli/main.ts', 'check-dataset', ...args], { cwd: repoRoot, env: { ...process.env, CORPUSFLOW_LOG_LEVEL: 'warn' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'check-dataset-'));
  const stats = { total: 2, kept: 2, dropped: 0, droppedByReason: {}, skippedByReason: {} };
  const benchmarks = ['gsm8k', 'mmlu'].map((name) => ({ name, files: [], items: 1, longNgrams: 1, shortNgrams: 0, textsTooShort: 0, lowInformationNgrams: 0 }));
  const stageManifest = await writeDecontaminationManifest({ outputUri: path.join(root, 'decontaminate'), configHash: 'c', benchmarks, stats, hits: {}, shardCount: 0 });
  checked = path.join(root, 'checked.manifest.json');
  await fs.writeFile(checked, JSON.stringify({ kind: 'dataset', decontamination: await readDecontaminationRecord(stageManifest) }));
  unchecked = path.join(root, 'unchecked.manifest.json');
  await fs.writeFile(unchecked, JSON.stringify({ kind: 'dataset' }));
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('corpusflow check-dataset command', () => {
  it('prints the checked benchmark sets', async () => {
    const result = await checkDataset(checked, '--require', 'gsm8k');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`ok: ${checked} was decontaminated against gsm8k, mmlu\n`);
  });

  it('exits 1 on a missing record', async () => {
    const result = await checkDataset(checked, unchecked);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`ok: ${checked}`);
    expect(result.stderr).toContain(`error: Refusing to train on ${unchecked}: it has no decontamination record`);
  });
});
