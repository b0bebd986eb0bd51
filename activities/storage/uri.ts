// URI helpers shared by both storage implementations.
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

export type UriScheme = 'file' | 's3';

export function schemeOf(uri: string): UriScheme {
  if (uri.startsWith('s3://')) return 's3';
  if (uri.startsWith('file://') || !/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) return 'file';
  throw new Error(`Unsupported storage URI "${uri}": use a local path, file:// or s3://`);
}

/** Turns a plain path (relative to the current directory) into a file:// URI; other URIs pass through. */
export function normalizeUri(uriOrPath: string): string {
  if (schemeOf(uriOrPath) === 's3') return uriOrPath;
  if (uriOrPath.startsWith('file://')) return uriOrPath;
  return pathToFileURL(path.resolve(uriOrPath)).href;
}

export function localPath(uri: string): string {
  return uri.startsWith('file://') ? fileURLToPath(uri) : path.resolve(uri);
}

export { joinUri } from '../../schemas/layout';

export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new Error(`Invalid S3 URI "${uri}": expected s3://bucket/key`);
  return { bucket: match[1]!, key: match[2] ?? '' };
}

/** The file name part of a URI, for messages and ids. */
export function baseName(uri: string): string {
  return uri.replace(/\/+$/, '').split('/').pop() ?? uri;
}
