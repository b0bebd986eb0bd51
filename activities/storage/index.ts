// Picks the storage implementation for a URI. The S3 client is created once per process.
import { LocalStorage } from './local';
import type { Storage } from './types';
import { schemeOf } from './uri';

export type { Storage, ObjectInfo, WriteResult, ReadRange } from './types';
export { normalizeUri, joinUri, baseName, localPath, schemeOf } from './uri';

const local = new LocalStorage();
let s3: Storage | undefined;

export async function storageFor(uri: string): Promise<Storage> {
  if (schemeOf(uri) === 'file') return local;
  if (!s3) {
    const { S3Storage } = await import('./s3');
    s3 = new S3Storage();
  }
  return s3;
}
