// Behaviour every Storage implementation shares, run by local.test.ts and s3.test.ts against
// a real folder and a real S3-compatible server.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { expect, it } from 'vitest';
import type { Storage } from '../../../activities/storage';
import { joinUri } from '../../../activities/storage';

export interface StorageFixture {
  storage: Storage;
  /** A URI under which this test may write, distinct for every call. */
  root: string;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Creates a stream that yields `chunks` and then fails, like a producer that crashes mid-write. */
export function failingStream(chunks: Buffer[], message = 'producer crashed'): Readable {
  async function* generate() {
    for (const chunk of chunks) yield chunk;
    throw new Error(message);
  }
  return Readable.from(generate());
}

async function collectUris(storage: Storage, prefix: string): Promise<string[]> {
  const uris: string[] = [];
  for await (const info of storage.list(prefix)) uris.push(info.uri);
  return uris;
}

/** Registers the shared behaviour tests; `fixture()` is called once per test. */
export function storageContract(fixture: () => Promise<StorageFixture>): void {
  it('round-trips bytes with size and sha256', async () => {
    const { storage, root } = await fixture();
    const uri = joinUri(root, 'docs/one.txt');
    const content = 'héllo wörld\n'.repeat(100);

    const result = await storage.write(uri, content);

    expect(result.uri).toBe(uri);
    expect(result.bytes).toBe(Buffer.byteLength(content));
    expect(result.sha256).toBe(sha256Hex(content));
    expect((await storage.readBytes(uri)).toString()).toBe(content);
    expect(await text(await storage.openRead(uri))).toBe(content);
    expect((await storage.stat(uri))?.size).toBe(Buffer.byteLength(content));
  });

  it('writes a stream body and hashes it', async () => {
    const { storage, root } = await fixture();
    const uri = joinUri(root, 'streamed.bin');
    const chunks = [Buffer.alloc(1000, 1), Buffer.alloc(5000, 2), Buffer.alloc(1, 3)];

    const result = await storage.write(uri, Readable.from(chunks));

    expect(result.bytes).toBe(6001);
    expect(result.sha256).toBe(sha256Hex(Buffer.concat(chunks)));
    expect(sha256Hex(await storage.readBytes(uri))).toBe(result.sha256);
  });

  it('overwrites an existing object', async () => {
    const { storage, root } = await fixture();
    const uri = joinUri(root, 'manifest.json');

    await storage.write(uri, 'first version, longer');
    await storage.write(uri, 'second');

    expect((await storage.readBytes(uri)).toString()).toBe('second');
  });

  it('reads byte ranges with inclusive ends', async () => {
    const { storage, root } = await fixture();
    const uri = joinUri(root, 'digits.txt');
    await storage.write(uri, '0123456789');

    expect(await text(await storage.openRead(uri, { start: 2, end: 5 }))).toBe('2345');
    expect(await text(await storage.openRead(uri, { start: 7 }))).toBe('789');
    expect(await text(await storage.openRead(uri, { end: 2 }))).toBe('012');
    expect(await text(await storage.openRead(uri, { start: 9, end: 9 }))).toBe('9');
    expect(await text(await storage.openRead(uri, { start: 10 }))).toBe('');
  });

  it('stat of a missing object returns undefined', async () => {
    const { storage, root } = await fixture();

    expect(await storage.stat(joinUri(root, 'missing.json'))).toBeUndefined();
  });

  it('reading a missing object rejects', async () => {
    const { storage, root } = await fixture();
    const uri = joinUri(root, 'missing.jsonl');

    await expect(storage.readBytes(uri)).rejects.toThrow(/missing\.jsonl/);
    await expect(storage.openRead(uri)).rejects.toThrow(/missing\.jsonl/);
  });

  it('lists a folder recursively in key order', async () => {
    const { storage, root } = await fixture();
    for (const name of ['c.txt', 'a/2.txt', 'a/1.txt', 'b/x/deep.txt', 'b/y.txt']) {
      await storage.write(joinUri(root, 'tree', name), name);
    }

    const expected = ['a/1.txt', 'a/2.txt', 'b/x/deep.txt', 'b/y.txt', 'c.txt'].map((name) => joinUri(root, 'tree', name));
    expect(await collectUris(storage, joinUri(root, 'tree'))).toEqual(expected);
    expect(await collectUris(storage, joinUri(root, 'tree') + '/')).toEqual(expected);
  });

  it('lists a folder without its siblings', async () => {
    const { storage, root } = await fixture();
    await storage.write(joinUri(root, 'a/b/1.txt'), '1');
    await storage.write(joinUri(root, 'a/b/2.txt'), '2');
    await storage.write(joinUri(root, 'a/b2/3.txt'), '3');
    await storage.write(joinUri(root, 'a/b2.txt'), '4');

    const expected = [joinUri(root, 'a/b/1.txt'), joinUri(root, 'a/b/2.txt')];
    expect(await collectUris(storage, joinUri(root, 'a/b'))).toEqual(expected);
    expect(await collectUris(storage, joinUri(root, 'a/b/'))).toEqual(expected);
  });

  it('lists one object by its own URI', async () => {
    const { storage, root } = await fixture();
    const uri = joinUri(root, 'single.json');
    await storage.write(uri, '{}');

    const listed = [];
    for await (const info of storage.list(uri)) listed.push(info);

    expect(listed).toHaveLength(1);
    expect(listed[0]?.uri).toBe(uri);
    expect(listed[0]?.size).toBe(2);
  });

  it('lists nothing under a missing prefix', async () => {
    const { storage, root } = await fixture();

    expect(await collectUris(storage, joinUri(root, 'nothing-here'))).toEqual([]);
  });

  it('deletes an object and ignores a missing one', async () => {
    const { storage, root } = await fixture();
    const uri = joinUri(root, 'to-delete.txt');
    await storage.write(uri, 'x');

    await storage.delete(uri);
    await storage.delete(uri);

    expect(await storage.stat(uri)).toBeUndefined();
  });

  it('failed stream write leaves no object', async () => {
    const { storage, root } = await fixture();
    const uri = joinUri(root, 'broken/shard.jsonl');

    await expect(storage.write(uri, failingStream([Buffer.alloc(1024, 7)]))).rejects.toThrow(/producer crashed/);

    expect(await storage.stat(uri)).toBeUndefined();
    expect(await collectUris(storage, joinUri(root, 'broken'))).toEqual([]);
  });

  it('failed overwrite keeps the previous object', async () => {
    const { storage, root } = await fixture();
    const uri = joinUri(root, 'kept.txt');
    await storage.write(uri, 'complete');

    await expect(storage.write(uri, failingStream([Buffer.from('partial')]))).rejects.toThrow(/producer crashed/);

    expect((await storage.readBytes(uri)).toString()).toBe('complete');
  });
}
