// Starts a real S3-compatible server (moto's server mode from .venv) on loopback for one test file.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { s3ClientConfigFromEnv } from '../../activities/storage/s3';

export const motoServerBinary = path.resolve(import.meta.dirname, '../../.venv/bin/moto_server');

export interface S3TestServer {
  /** Base URL such as http://127.0.0.1:41105. */
  endpoint: string;
  /** A bucket created for this server, unique per call. */
  bucket: string;
  /** The AWS variables pointing an S3 client at this server; `startS3Server` also sets them in process.env. */
  env: Record<string, string>;
  /** `s3://<bucket>/<key>`. */
  uri(key: string): string;
  /** Stops the server and restores the environment it changed. */
  stop(): Promise<void>;
}

export interface StartS3ServerOptions {
  /**
   * Makes moto check request signatures against its IAM users, so requests signed with
   * unknown keys are rejected with 403. No bucket is created in this mode.
   */
  requireAuth?: boolean;
}

let bucketCounter = 0;

/**
 * Starts moto on 127.0.0.1 on a free port (the OS picks it), waits until it responds to HTTP,
 * creates a bucket and points the AWS environment at it. Call `stop()` in afterAll. Start one
 * server per test file, because storageFor() keeps the first S3 client it builds in a process.
 */
export async function startS3Server(options: StartS3ServerOptions = {}): Promise<S3TestServer> {
  if (!existsSync(motoServerBinary)) {
    throw new Error(`moto_server not found at ${motoServerBinary}: run "bash infra/install.sh" first.`);
  }
  const child = spawn(motoServerBinary, ['-H', '127.0.0.1', '-p', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...(options.requireAuth ? { INITIAL_NO_AUTH_ACTION_COUNT: '0' } : {}) },
  });
  const killChild = () => child.kill('SIGKILL');
  process.once('exit', killChild);

  let endpoint: string;
  try {
    endpoint = await waitForListeningUrl(child);
    await waitUntilAnswering(endpoint);
  } catch (error) {
    killChild();
    process.off('exit', killChild);
    throw error;
  }

  const env: Record<string, string> = {
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_S3_FORCE_PATH_STYLE: 'true',
    // Keeps the SDK's credential chain from ever contacting the EC2 metadata address.
    AWS_EC2_METADATA_DISABLED: 'true',
    // SDK releases after January 2027 need Node.js 22; the warning about it would repeat in every test file.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const saved = new Map(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);

  bucketCounter += 1;
  const bucket = `corpusflow-test-${process.pid}-${bucketCounter}-${randomBytes(3).toString('hex')}`;
  if (!options.requireAuth) {
    const client = new S3Client(s3ClientConfigFromEnv(env));
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    client.destroy();
  }

  return {
    endpoint,
    bucket,
    env,
    uri: (key) => `s3://${bucket}/${key.replace(/^\/+/, '')}`,
    async stop() {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      process.off('exit', killChild);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Reads werkzeug's "Running on http://127.0.0.1:PORT" line, which reports the port the OS picked. */
function waitForListeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error('moto_server did not report a listening address within 30 s')), 30_000);
    const onData = (chunk: Buffer) => {
      // Only the start of the log is kept for error messages. The request log after it is still
      // read and dropped, because a full pipe would block the server.
      if (output.length < 10_000) output += chunk.toString();
      const match = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(new Error(`${error.message}\nmoto_server output:\n${output}`));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', fail);
    child.once('exit', (code, signal) => fail(new Error(`moto_server exited early (code ${code}, signal ${signal})`)));
  });
}

async function waitUntilAnswering(endpoint: string): Promise<void> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 100; attempt += 1) {
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      await response.arrayBuffer();
      if (response.ok) return;
      lastError = new Error(`HTTP ${response.status}`);
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto_server at ${endpoint} did not respond: ${String(lastError)}`);
}
