// Local-folder storage, the default for one machine.
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import type { ObjectInfo, ReadRange, Storage, WriteResult } from './types';
import { localPath } from './uri';

export class LocalStorage implements Storage {
  async stat(uri: string): Promise<ObjectInfo | undefined> {
    try {
      const info = await fs.stat(localPath(uri));
      if (!info.isFile()) return undefined;
      return { uri, size: info.size, modifiedMs: info.mtimeMs };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async *list(prefixUri: string): AsyncIterable<ObjectInfo> {
    const root = localPath(prefixUri);
    const rootInfo = await fs.stat(root).catch(() => undefined);
    if (!rootInfo) return;
    if (rootInfo.isFile()) {
      yield { uri: pathToFileURL(root).href, size: rootInfo.size, modifiedMs: rootInfo.mtimeMs };
      return;
    }
    yield* walkFolder(root);
  }

  async openRead(uri: string, range?: ReadRange): Promise<Readable> {
    const file = localPath(uri);
    // Open eagerly so a missing or unreadable file fails here with its path, not later mid-stream.
    const handle = await fs.open(file, 'r');
    return handle.createReadStream({ start: range?.start, end: range?.end, autoClose: true });
  }

  async readBytes(uri: string): Promise<Buffer> {
    return fs.readFile(localPath(uri));
  }

  async write(uri: string, body: Buffer | string | Readable): Promise<WriteResult> {
    const target = localPath(uri);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.tmp-${process.pid}-${randomUUID()}`;
    const hash = createHash('sha256');
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        bytes += chunk.length;
        callback(null, chunk);
      },
    });
    const source = typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([Buffer.from(body)]) : body;
    try {
      await pipeline(source, counter, createWriteStream(temp));
      await fs.rename(temp, target);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
    return { uri, bytes, sha256: hash.digest('hex') };
  }

  async delete(uri: string): Promise<void> {
    await fs.rm(localPath(uri), { force: true });
  }
}

async function* walkFolder(folder: string): AsyncIterable<ObjectInfo> {
  const entries = await fs.readdir(folder, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      yield* walkFolder(full);
    } else if (entry.isFile() || entry.isSymbolicLink()) {
      // A broken symlink is still listed (size 0) so that reading it fails with its path
      // and the file is counted as unreadable instead of vanishing from the run.
      const info = await fs.stat(full).catch(() => undefined);
      if (info?.isDirectory()) {
        yield* walkFolder(full);
      } else {
        yield { uri: pathToFileURL(full).href, size: info?.size ?? 0, modifiedMs: info?.mtimeMs };
      }
    }
  }
}
