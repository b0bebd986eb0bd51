// Storage on any S3-compatible store (AWS S3, MinIO, Ceph, moto). Endpoint, region and
// credentials come from the worker's standard AWS environment, never from workflow input.
import { createHash } from 'node:crypto';
import { Readable, Transform, pipeline } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
  type _Object,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ApplicationFailure } from '@temporalio/common';
import type { ObjectInfo, ReadRange, Storage, WriteResult } from './types';
import { parseS3Uri } from './uri';

export interface S3StorageOptions {
  /** A ready client. By default one is built from the environment by `s3ClientConfigFromEnv`. */
  client?: S3Client;
  /** Keys per ListObjectsV2 request, at most 1000 (the S3 maximum and the default). */
  listPageSize?: number;
  /** Bytes per multipart upload part. S3 requires at least 5 MiB for every part but the last. */
  partSize?: number;
  /** Parts one `write()` uploads at the same time. Memory per write is about partSize × this. */
  uploadConcurrency?: number;
}

// 8 MiB parts × S3's limit of 10,000 parts allow objects up to about 78 GiB per write.
const defaultPartSize = 8 * 1024 * 1024;
// S3's minimum size for every part but the last; lib-storage enforces the same number.
const minPartSize = 5 * 1024 * 1024;
const defaultUploadConcurrency = 4;
const maxListPageSize = 1000;

/**
 * Builds the S3 client configuration from the standard AWS variables. The SDK itself reads
 * AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, credentials (AWS_ACCESS_KEY_ID, AWS_PROFILE, ...) and
 * AWS_MAX_ATTEMPTS. This adds what S3-compatible servers need: path-style addressing
 * (AWS_S3_FORCE_PATH_STYLE, on by default when a custom endpoint is set) and a region default.
 */
export function s3ClientConfigFromEnv(env: NodeJS.ProcessEnv = process.env): S3ClientConfig {
  const customEndpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL;
  const forcePathStyle = parseBooleanFlag('AWS_S3_FORCE_PATH_STYLE', env.AWS_S3_FORCE_PATH_STYLE) ?? Boolean(customEndpoint);
  // Self-hosted stores ignore the region, but SigV4 signing still needs one.
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || (customEndpoint ? 'us-east-1' : undefined);
  return {
    ...(region ? { region } : {}),
    forcePathStyle,
    // The standard mode retries throttling, 500/502/503/504, timeouts and connection errors
    // with exponential backoff and jitter: 3 attempts in all unless AWS_MAX_ATTEMPTS sets another count.
    retryMode: env.AWS_RETRY_MODE || 'standard',
    // No socket idle timeout: it would also cut a GetObject stream whose reader pauses
    // longer than the limit. A hung request is caught by the activity's heartbeat timeout.
    requestHandler: { connectionTimeout: 10_000 },
  };
}

function parseBooleanFlag(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  throw new Error(`Invalid ${name}="${value}": expected true or false`);
}

export class S3Storage implements Storage {
  private readonly client: S3Client;
  private readonly listPageSize: number;
  private readonly partSize: number;
  private readonly uploadConcurrency: number;

  constructor(options: S3StorageOptions = {}) {
    this.client = options.client ?? new S3Client(s3ClientConfigFromEnv());
    this.listPageSize = options.listPageSize ?? maxListPageSize;
    this.partSize = options.partSize ?? defaultPartSize;
    this.uploadConcurrency = options.uploadConcurrency ?? defaultUploadConcurrency;
    if (!Number.isInteger(this.listPageSize) || this.listPageSize < 1 || this.listPageSize > maxListPageSize) {
      throw new RangeError(`Invalid listPageSize ${this.listPageSize}: expected an integer from 1 to ${maxListPageSize}`);
    }
    if (this.partSize < minPartSize) {
      throw new RangeError(`Invalid partSize ${this.partSize}: S3 requires at least ${minPartSize} bytes`);
    }
  }

  async stat(uri: string): Promise<ObjectInfo | undefined> {
    // A bucket or folder is no object, just as LocalStorage.stat() returns undefined for a folder.
    const { bucket, key } = parseS3Uri(uri);
    if (key === '' || key.endsWith('/')) return undefined;
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { uri, size: head.ContentLength ?? 0, modifiedMs: head.LastModified?.getTime() };
    } catch (error) {
      // HEAD responses have no body, so a missing bucket also arrives as a plain 404 here.
      if (errorName(error) === 'NotFound' || errorName(error) === 'NoSuchKey' || httpStatus(error) === 404) {
        return undefined;
      }
      throw storageFailure(error, uri, 'stat');
    }
  }

  /**
   * Lists the object named by the URI and every object under it as a folder, in key order.
   * `s3://b/a/b` and `s3://b/a/b/` both list `a/b/...` but never a sibling such as `a/b2`.
   * Zero-byte folder markers (keys ending in `/`) are skipped because they hold no data.
   */
  async *list(prefixUri: string): AsyncIterable<ObjectInfo> {
    const { bucket, key } = parseS3Uri(prefixUri);
    if (key === '' || key.endsWith('/')) {
      yield* this.listUnder(bucket, key);
      return;
    }
    // The key itself sorts before every key under `key/`, so key order is kept.
    const exact = await this.stat(`s3://${bucket}/${key}`);
    if (exact) yield exact;
    yield* this.listUnder(bucket, `${key}/`);
  }

  private async *listUnder(bucket: string, prefix: string): AsyncIterable<ObjectInfo> {
    let continuationToken: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            MaxKeys: this.listPageSize,
            ContinuationToken: continuationToken,
          }),
        );
      } catch (error) {
        throw storageFailure(error, `s3://${bucket}/${prefix}`, 'list');
      }
      for (const object of page.Contents ?? []) {
        if (object.Key && !object.Key.endsWith('/')) yield objectInfo(bucket, object);
      }
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }

  async openRead(uri: string, range?: ReadRange): Promise<Readable> {
    const { bucket, key } = parseObjectUri(uri);
    const rangeHeader = httpRange(uri, range);
    try {
      const output = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: rangeHeader }));
      if (!(output.Body instanceof Readable)) {
        throw new Error(`GetObject returned no Node.js stream for ${uri}`);
      }
      return output.Body;
    } catch (error) {
      // A range that starts at or past the end is empty locally (fs streams), so match that.
      if (rangeHeader && (errorName(error) === 'InvalidRange' || httpStatus(error) === 416)) {
        return Readable.from([]);
      }
      throw storageFailure(error, uri, 'read');
    }
  }

  async readBytes(uri: string): Promise<Buffer> {
    const { bucket, key } = parseObjectUri(uri);
    try {
      const output = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!output.Body) throw new Error(`GetObject returned no body for ${uri}`);
      const bytes = await output.Body.transformToByteArray();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (error) {
      throw storageFailure(error, uri, 'read');
    }
  }

  /**
   * Uploads in parts of `partSize` (one PutObject when the body fits in one part) and hashes
   * the bytes on their way out. S3 shows an object only once its PutObject or
   * CompleteMultipartUpload succeeds. A failed body or request aborts the upload, so no partial object ever exists.
   */
  async write(uri: string, body: Buffer | string | Readable): Promise<WriteResult> {
    const { bucket, key } = parseObjectUri(uri);
    const hash = createHash('sha256');
    let bytes = 0;
    let uploadBody: Buffer | Readable;
    let bodyError: Error | undefined;
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      uploadBody = typeof body === 'string' ? Buffer.from(body) : body;
      hash.update(uploadBody);
      bytes = uploadBody.length;
    } else {
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          bytes += chunk.length;
          callback(null, chunk);
        },
      });
      // pipeline() passes a body error on to `counter`, which makes Upload fail and abort.
      body.once('error', (error) => {
        bodyError = error;
      });
      uploadBody = pipeline(body, counter, () => undefined);
    }

    const upload = new Upload({
      client: this.client,
      params: { Bucket: bucket, Key: key, Body: uploadBody },
      partSize: this.partSize,
      queueSize: this.uploadConcurrency,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      // An error from the body stream belongs to the caller, so it is rethrown unchanged, as
      // LocalStorage does. Read it before destroy(), which makes the body emit an error of its own.
      const failedBody = bodyError;
      // Destroying the counter also destroys the body, so a producer's next write fails at once.
      if (uploadBody instanceof Readable) uploadBody.destroy();
      if (failedBody) throw failedBody;
      throw storageFailure(error, uri, 'write');
    }
    return { uri, bytes, sha256: hash.digest('hex') };
  }

  async delete(uri: string): Promise<void> {
    const { bucket, key } = parseObjectUri(uri);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      throw storageFailure(error, uri, 'delete');
    }
  }
}

function parseObjectUri(uri: string): { bucket: string; key: string } {
  const location = parseS3Uri(uri);
  if (location.key === '') {
    throw ApplicationFailure.nonRetryable(`Invalid S3 object URI "${uri}": expected s3://bucket/key with a key`, 'InvalidStorageUri');
  }
  return location;
}

function objectInfo(bucket: string, object: _Object): ObjectInfo {
  return { uri: `s3://${bucket}/${object.Key}`, size: object.Size ?? 0, modifiedMs: object.LastModified?.getTime() };
}

/** Converts a ReadRange to an HTTP Range header, whose bounds are inclusive like fs.createReadStream's. */
function httpRange(uri: string, range: ReadRange | undefined): string | undefined {
  if (range?.start === undefined && range?.end === undefined) return undefined;
  const start = range.start ?? 0;
  if (!Number.isInteger(start) || start < 0 || (range.end !== undefined && (!Number.isInteger(range.end) || range.end < start))) {
    throw new RangeError(`Invalid byte range ${JSON.stringify(range)} for ${uri}: expected integers with 0 <= start <= end`);
  }
  return `bytes=${start}-${range.end ?? ''}`;
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

const accessDeniedNames = new Set([
  'AccessDenied',
  'Forbidden',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'AllAccessDisabled',
]);

/**
 * Turns an SDK error into one that names the URI and the fix. Missing buckets, objects,
 * credentials and permissions are non-retryable because a retry cannot fix them. Anything else
 * stays retryable: the SDK has already retried transient faults, and an activity retry may still help.
 */
export function storageFailure(error: unknown, uri: string, action: 'stat' | 'list' | 'read' | 'write' | 'delete'): Error {
  if (error instanceof ApplicationFailure || error instanceof RangeError) return error;
  const name = errorName(error) ?? 'Error';
  const status = httpStatus(error);
  const detail = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error ? error : undefined;
  const fail = (message: string, type: string, nonRetryable: boolean) =>
    ApplicationFailure.create({ message, type, nonRetryable, cause });

  if (name === 'NoSuchBucket') {
    const { bucket } = parseS3Uri(uri);
    return fail(`Cannot ${action} ${uri}: bucket "${bucket}" does not exist. Create it, or fix the bucket name in the URI.`, 'S3BucketNotFound', true);
  }
  if (name === 'NoSuchKey' || (status === 404 && action === 'read')) {
    return fail(`Cannot read ${uri}: object not found. Check the URI, or run the stage that writes it first.`, 'StorageObjectNotFound', true);
  }
  if (accessDeniedNames.has(name) || status === 403) {
    return fail(
      `Cannot ${action} ${uri}: access denied (${name}: ${detail}). Check that the credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or AWS_PROFILE are valid and allowed to ${action} in this bucket.`,
      'S3AccessDenied',
      true,
    );
  }
  if (name === 'CredentialsProviderError') {
    return fail(
      `Cannot ${action} ${uri}: no AWS credentials found (${detail}). Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, in the worker's environment.`,
      'S3CredentialsMissing',
      true,
    );
  }
  if (/region is missing/i.test(detail)) {
    return fail(`Cannot ${action} ${uri}: no AWS region configured. Set AWS_REGION in the worker's environment.`, 'S3RegionMissing', true);
  }
  const permanent = status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
  return fail(
    `S3 ${action} failed for ${uri}: ${name}${status ? ` (HTTP ${status})` : ''}: ${detail}. Check AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL and that the store is reachable.`,
    permanent ? 'S3RequestRejected' : 'S3RequestFailed',
    permanent,
  );
}
