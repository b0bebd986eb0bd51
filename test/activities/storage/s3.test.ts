import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import { createServer } from 'node:net';
import { Readable } from 'node:stream';
import { HeadObjectCommand, ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinUri, storageFor } from '../../../activities/storage';
import { S3Storage, s3ClientConfigFromEnv } from '../../../activities/storage/s3';
import { startS3Server, type S3TestServer } from '../../support/s3-server';
import { failingStream, sha256Hex, storageContract } from './storage-contract';

const mib = 1024 * 1024;

let server: S3TestServer;
let storage: S3Storage;
let client: S3Client;
let fixtureCounter = 0;

beforeAll(async () => {
  server = await startS3Server();
  storage = new S3Storage();
  client = new S3Client(s3ClientConfigFromEnv(server.env));
});

afterAll(async () => {
  client?.destroy();
  await server?.stop();
});

function newRoot(): string {
  fixtureCounter += 1;
  return server.uri(`case-${fixtureCounter}`);
}

/** Yields `total` pseudo-random bytes in 1 MiB chunks, so large bodies are streamed, not buffered. */
function generatedStream(total: number): { stream: Readable; sha256: string } {
  const data = randomBytes(total);
  const chunks = [];
  for (let offset = 0; offset < total; offset += mib) chunks.push(data.subarray(offset, offset + mib));
  return { stream: Readable.from(chunks), sha256: sha256Hex(data) };
}

async function pendingUploads(): Promise<number> {
  const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: server.bucket }));
  return uploads.Uploads?.length ?? 0;
}

describe('S3Storage', () => {
  storageContract(async () => ({ storage, root: newRoot() }));

  it('storageFor picks S3 storage for s3 URIs', async () => {
    expect(await storageFor(server.uri('x'))).toBeInstanceOf(S3Storage);
  });

  it('uploads a large stream in parts', async () => {
    const partSize = 5 * mib;
    const multipart = new S3Storage({ partSize });
    const uri = joinUri(newRoot(), 'large.bin');
    const total = 2 * partSize + 123_456;
    const { stream, sha256 } = generatedStream(total);

    const result = await multipart.write(uri, stream);

    expect(result.bytes).toBe(total);
    expect(result.sha256).toBe(sha256);
    expect((await storage.stat(uri))?.size).toBe(total);
    expect(sha256Hex(await storage.readBytes(uri))).toBe(sha256);
    // A multipart upload's ETag ends in "-<part count>".
    const { bucket, key } = { bucket: server.bucket, key: uri.slice(`s3://${server.bucket}/`.length) };
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ETag).toMatch(/-3"$/);
  });

  it('reads a range across part boundaries', async () => {
    const partSize = 5 * mib;
    const multipart = new S3Storage({ partSize });
    const uri = joinUri(newRoot(), 'ranged.bin');
    const data = randomBytes(partSize + 1000);
    await multipart.write(uri, Readable.from([data]));

    const chunks: Buffer[] = [];
    for await (const chunk of await storage.openRead(uri, { start: partSize - 10, end: partSize + 9 })) chunks.push(chunk as Buffer);

    expect(Buffer.concat(chunks)).toEqual(data.subarray(partSize - 10, partSize + 10));
  });

  it('failed multipart upload leaves no object or parts', async () => {
    const partSize = 5 * mib;
    const multipart = new S3Storage({ partSize, uploadConcurrency: 1 });
    const uri = joinUri(newRoot(), 'half.bin');
    // Two full parts get uploaded before the producer fails.
    const chunks = Array.from({ length: 11 }, () => randomBytes(mib));

    await expect(multipart.write(uri, failingStream(chunks))).rejects.toThrow(/producer crashed/);

    expect(await storage.stat(uri)).toBeUndefined();
    expect(await pendingUploads()).toBe(0);
  });

  it('lists more keys than one page holds', async () => {
    const paged = new S3Storage({ listPageSize: 2 });
    const root = newRoot();
    const names = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6'];
    // Written out of order, so the order of the listing comes from the store.
    for (const name of [...names].reverse()) await paged.write(joinUri(root, 'pages', name), name);

    const listed = [];
    for await (const info of paged.list(joinUri(root, 'pages'))) listed.push(info.uri);

    expect(listed).toEqual(names.map((name) => joinUri(root, 'pages', name)));
  });

  it('reports size and time from stat and list', async () => {
    const uri = joinUri(newRoot(), 'info.txt');
    await storage.write(uri, 'twelve bytes');

    const info = await storage.stat(uri);
    const listed = [];
    for await (const entry of storage.list(uri)) listed.push(entry);

    expect(info?.size).toBe(12);
    expect(info?.modifiedMs).toBeGreaterThan(0);
    expect(listed[0]?.size).toBe(12);
    expect(listed[0]?.modifiedMs).toBeGreaterThan(0);
  });

  it('skips folder marker keys in listings', async () => {
    const root = newRoot();
    await storage.write(joinUri(root, 'folder') + '/', '');
    await storage.write(joinUri(root, 'folder/data.txt'), 'd');

    const listed = [];
    for await (const info of storage.list(joinUri(root, 'folder'))) listed.push(info.uri);

    expect(listed).toEqual([joinUri(root, 'folder/data.txt')]);
  });

  it('writes an empty object', async () => {
    const uri = joinUri(newRoot(), 'empty.jsonl');

    const result = await storage.write(uri, Readable.from([]));

    expect(result.bytes).toBe(0);
    expect(result.sha256).toBe(sha256Hex(''));
    expect((await storage.stat(uri))?.size).toBe(0);
  });

  it('rejects a missing bucket by name', async () => {
    const uri = 's3://corpusflow-no-such-bucket/x.json';

    const failure = storage.write(uri, '{}');

    await expect(failure).rejects.toThrow(
      'Cannot write s3://corpusflow-no-such-bucket/x.json: bucket "corpusflow-no-such-bucket" does not exist. Create it, or fix the bucket name in the URI.',
    );
    await expect(failure).rejects.toMatchObject({ type: 'S3BucketNotFound', nonRetryable: true });
  });

  it('rejects reading a missing object as non-retryable', async () => {
    const uri = joinUri(newRoot(), 'absent.json');

    await expect(storage.readBytes(uri)).rejects.toThrow(
      `Cannot read ${uri}: object not found. Check the URI, or run the stage that writes it first.`,
    );
    await expect(storage.openRead(uri)).rejects.toMatchObject({ type: 'StorageObjectNotFound', nonRetryable: true });
  });

  it('stat of a bucket root returns undefined', async () => {
    expect(await storage.stat(`s3://${server.bucket}`)).toBeUndefined();
    expect(await storage.stat(`s3://${server.bucket}/`)).toBeUndefined();
  });

  it('lists a whole bucket from its root URI', async () => {
    const uri = joinUri(newRoot(), 'in-bucket.txt');
    await storage.write(uri, 'x');

    const listed = [];
    for await (const info of storage.list(`s3://${server.bucket}`)) listed.push(info.uri);

    expect(listed).toContain(uri);
  });

  it('rejects an object URI without a key', async () => {
    await expect(storage.readBytes(`s3://${server.bucket}/`)).rejects.toThrow(
      `Invalid S3 object URI "s3://${server.bucket}/": expected s3://bucket/key with a key`,
    );
  });

  it('reports missing credentials with the fix', async () => {
    const noCredentials = new S3Storage({
      client: new S3Client({
        ...s3ClientConfigFromEnv(server.env),
        credentials: async () => {
          throw Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
        },
      }),
    });
    const uri = server.uri('secret.json');

    const failure = noCredentials.stat(uri);

    await expect(failure).rejects.toThrow(
      `Cannot stat ${uri}: no AWS credentials found (Could not load credentials from any providers). Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, in the worker's environment.`,
    );
    await expect(failure).rejects.toMatchObject({ type: 'S3CredentialsMissing', nonRetryable: true });
  });
});

/** Returns a loopback port that nothing listens on, by binding port 0 and closing it again. */
async function closedPort(): Promise<number> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const address = listener.address();
  await new Promise<void>((resolve) => listener.close(() => resolve()));
  if (typeof address !== 'object' || !address) throw new Error('no port assigned');
  return address.port;
}

describe('S3Storage without a reachable store', () => {
  it('fails as retryable and names the endpoint variable', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const unreachable = new S3Storage({
      client: new S3Client({ ...s3ClientConfigFromEnv({ AWS_ENDPOINT_URL_S3: endpoint }), endpoint, maxAttempts: 2 }),
    });
    const uri = 's3://any-bucket/x.json';

    const failure = unreachable.readBytes(uri);

    await expect(failure).rejects.toThrow(`S3 read failed for ${uri}:`);
    await expect(failure).rejects.toThrow('ECONNREFUSED');
    await expect(failure).rejects.toThrow('Check AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL and that the store is reachable.');
    await expect(failure).rejects.toMatchObject({ type: 'S3RequestFailed', nonRetryable: false });
  });
});

/**
 * Starts a loopback proxy in front of the moto server that responds to the first `failures`
 * requests with 503 Service Unavailable and forwards every other request unchanged.
 */
async function startFlakyProxy(failures: number): Promise<{ endpoint: string; failed: () => number; close: () => Promise<void> }> {
  const target = new URL(server.endpoint);
  let failed = 0;
  const proxy: Server = createHttpServer((incoming, outgoing) => {
    if (failed < failures) {
      failed += 1;
      incoming.resume();
      outgoing.writeHead(503, { 'content-type': 'application/xml' });
      outgoing.end('<Error><Code>ServiceUnavailable</Code><Message>Please reduce your request rate.</Message></Error>');
      return;
    }
    const forwarded = httpRequest(
      { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (response) => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
      },
    );
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const address = proxy.address();
  if (typeof address !== 'object' || !address) throw new Error('no port assigned');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    failed: () => failed,
    close: () => new Promise<void>((resolve) => proxy.close(() => resolve())),
  };
}

describe('S3Storage retries', () => {
  it('retries a 503 and then succeeds', async () => {
    const proxy = await startFlakyProxy(2);
    try {
      const flaky = new S3Storage({ client: new S3Client({ ...s3ClientConfigFromEnv(server.env), endpoint: proxy.endpoint }) });
      const uri = joinUri(newRoot(), 'retried.txt');

      await flaky.write(uri, 'after two 503s');

      expect(proxy.failed()).toBe(2);
      expect((await storage.readBytes(uri)).toString()).toBe('after two 503s');
    } finally {
      await proxy.close();
    }
  });

  it('gives up after the last attempt as retryable', async () => {
    const proxy = await startFlakyProxy(100);
    try {
      const flaky = new S3Storage({
        client: new S3Client({ ...s3ClientConfigFromEnv(server.env), endpoint: proxy.endpoint, maxAttempts: 3 }),
      });
      const uri = joinUri(newRoot(), 'never.txt');

      const failure = flaky.readBytes(uri);

      await expect(failure).rejects.toThrow(`S3 read failed for ${uri}: ServiceUnavailable (HTTP 503): Please reduce your request rate.`);
      await expect(failure).rejects.toMatchObject({ type: 'S3RequestFailed', nonRetryable: false });
      expect(proxy.failed()).toBe(3);
    } finally {
      await proxy.close();
    }
  });
});

describe('S3 client configuration', () => {
  it('uses path style for a custom endpoint', () => {
    const config = s3ClientConfigFromEnv({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000' });

    expect(config.forcePathStyle).toBe(true);
    expect(config.region).toBe('us-east-1');
    expect(config.retryMode).toBe('standard');
  });

  it('uses virtual-hosted style on AWS by default', () => {
    const config = s3ClientConfigFromEnv({ AWS_REGION: 'eu-west-1' });

    expect(config.forcePathStyle).toBe(false);
    expect(config.region).toBe('eu-west-1');
  });

  it('honours AWS_S3_FORCE_PATH_STYLE both ways', () => {
    expect(s3ClientConfigFromEnv({ AWS_S3_FORCE_PATH_STYLE: 'true' }).forcePathStyle).toBe(true);
    expect(s3ClientConfigFromEnv({ AWS_ENDPOINT_URL: 'http://127.0.0.1:9000', AWS_S3_FORCE_PATH_STYLE: 'false' }).forcePathStyle).toBe(
      false,
    );
  });

  it('rejects an invalid path-style flag', () => {
    expect(() => s3ClientConfigFromEnv({ AWS_S3_FORCE_PATH_STYLE: 'sometimes' })).toThrow(
      'Invalid AWS_S3_FORCE_PATH_STYLE="sometimes": expected true or false',
    );
  });

  it('rejects a part size below the S3 minimum', () => {
    expect(() => new S3Storage({ client: new S3Client({ region: 'us-east-1' }), partSize: 1024 })).toThrow(
      'Invalid partSize 1024: S3 requires at least 5242880 bytes',
    );
  });
});
