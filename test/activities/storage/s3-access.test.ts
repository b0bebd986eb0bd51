// Runs against a moto server that checks request signatures, as AWS S3 does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Storage } from '../../../activities/storage/s3';
import { startS3Server, type S3TestServer } from '../../support/s3-server';

let server: S3TestServer;

beforeAll(async () => {
  server = await startS3Server({ requireAuth: true });
});

afterAll(async () => {
  await server?.stop();
});

describe('S3Storage with signature checks', () => {
  it('rejects unknown credentials as access denied', async () => {
    const storage = new S3Storage();
    const uri = server.uri('denied.json');

    const failure = storage.write(uri, '{}');

    await expect(failure).rejects.toThrow(`Cannot write ${uri}: access denied (InvalidAccessKeyId:`);
    await expect(failure).rejects.toThrow(
      'Check that the credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or AWS_PROFILE are valid and allowed to write in this bucket.',
    );
    await expect(failure).rejects.toMatchObject({ type: 'S3AccessDenied', nonRetryable: true });
  });

  it('stat with unknown credentials fails instead of reporting no object', async () => {
    const storage = new S3Storage();

    await expect(storage.stat(server.uri('denied.json'))).rejects.toMatchObject({ type: 'S3AccessDenied' });
  });
});
