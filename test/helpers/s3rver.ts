/**
 * Test helper: a real S3 HTTP server (the npm `s3rver` package) in a child process, on a free port,
 * storing into a fresh temp directory. A child process keeps its event loop and its request
 * handling out of the test's own (and lets a test kill it). NODE_OPTIONS=--openssl-legacy-provider
 * because s3rver's ListObjectsV2 continuation tokens use a cipher OpenSSL 3 only has there.
 *
 *   const server = await startS3rver({ buckets: ['logs'] });
 *   const s3 = new S3Client(s3rverClientConfig(server.endpoint));
 *   …
 *   await server.stop();
 */
import { CreateBucketCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface S3rver {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** The directory s3rver stores buckets and objects in. */
  directory: string;
  stop(): Promise<void>;
}

export interface StartS3rverOptions {
  /** Buckets to create once the server is up. */
  buckets?: readonly string[];
  /** How long to wait for the server to listen. */
  startTimeoutMs?: number;
}

/** S3Client settings that work against s3rver (path-style, no flexible checksums, dummy keys). */
export function s3rverClientConfig(endpoint: string): S3ClientConfig {
  return {
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  };
}

const LISTENING = /S3rver listening on ([^\s:]+|\[[^\]]+\]):(\d+)/;

function s3rverBin(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('s3rver/package.json')), 'bin', 's3rver.js');
}

async function waitForListening(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => finish(new Error(`s3rver did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const m = LISTENING.exec(output);
      if (m) finish(undefined, Number(m[2]));
    };
    const onExit = (code: number | null): void => finish(new Error(`s3rver exited (code ${code}) before listening:\n${output}`));
    function finish(err?: Error, port?: number): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(port as number);
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

export async function startS3rver(opts: StartS3rverOptions = {}): Promise<S3rver> {
  const directory = await mkdtemp(path.join(tmpdir(), 's3rver-'));
  const child = spawn(process.execPath, [s3rverBin(), '--directory', directory, '--address', '127.0.0.1', '--port', '0', '--silent'], {
    env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let port: number;
  try {
    port = await waitForListening(child, opts.startTimeoutMs ?? 30_000);
  } catch (err) {
    child.kill('SIGKILL');
    await rm(directory, { recursive: true, force: true });
    throw err;
  }
  // Keep draining output so a chatty server never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  const endpoint = `http://127.0.0.1:${port}`;

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(directory, { recursive: true, force: true });
  };

  if (opts.buckets?.length) {
    const s3 = new S3Client(s3rverClientConfig(endpoint));
    try {
      for (const bucket of opts.buckets) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    } catch (err) {
      await stop();
      throw err;
    } finally {
      s3.destroy();
    }
  }
  return { endpoint, directory, stop };
}
