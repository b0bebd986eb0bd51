import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStorage } from '../../../activities/storage/local';
import { storageFor } from '../../../activities/storage';
import { failingStream, storageContract } from './storage-contract';

let tempRoot: string;
let fixtureCounter = 0;
const storage = new LocalStorage();

beforeAll(async () => {
  tempRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'corpusflow-local-storage-'));
});

afterAll(async () => {
  await fs.rm(tempRoot, { recursive: true, force: true });
});

async function newFolder(): Promise<string> {
  fixtureCounter += 1;
  const folder = path.join(tempRoot, `case-${fixtureCounter}`);
  await fs.mkdir(folder);
  return folder;
}

describe('LocalStorage', () => {
  storageContract(async () => ({ storage, root: pathToFileURL(await newFolder()).href }));

  it('storageFor picks local storage for plain paths', async () => {
    expect(await storageFor('/tmp/some/file.jsonl')).toBeInstanceOf(LocalStorage);
    expect(await storageFor('file:///tmp/some/file.jsonl')).toBeInstanceOf(LocalStorage);
  });

  it('accepts plain paths as well as file URIs', async () => {
    const folder = await newFolder();
    const file = path.join(folder, 'plain.txt');

    await storage.write(file, 'plain');

    expect((await storage.readBytes(pathToFileURL(file).href)).toString()).toBe('plain');
    expect((await storage.stat(file))?.size).toBe(5);
  });

  it('successful write leaves no temp files', async () => {
    const folder = await newFolder();

    await storage.write(path.join(folder, 'out.jsonl'), 'line\n');

    expect(await fs.readdir(folder)).toEqual(['out.jsonl']);
  });

  it('failed write leaves no temp files', async () => {
    const folder = await newFolder();

    await expect(storage.write(path.join(folder, 'out.jsonl'), failingStream([Buffer.from('partial')]))).rejects.toThrow(
      /producer crashed/,
    );

    expect(await fs.readdir(folder)).toEqual([]);
  });

  it('creates missing parent folders on write', async () => {
    const folder = await newFolder();
    const file = path.join(folder, 'stage', 'rejected', 'shard-00000.jsonl.gz');

    await storage.write(file, 'x');

    expect((await fs.stat(file)).size).toBe(1);
  });

  it('reading a missing file fails with ENOENT', async () => {
    const folder = await newFolder();

    await expect(storage.openRead(path.join(folder, 'nope.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('stat of a folder returns undefined', async () => {
    const folder = await newFolder();

    expect(await storage.stat(folder)).toBeUndefined();
  });
});
