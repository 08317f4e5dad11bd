/**
 * Test helper: puts generated sample logs (`generateSamples`) into an S3 server under the real
 * key layouts — CloudTrail (optionally an organisation trail, with Digest and Insight siblings
 * that must never be read), simple-prefix access logs, and partitioned access logs by delivery
 * or event time — and reads back what trailhound wrote.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Finding } from '../../src/detect/finding.js';
import { generateSamples } from '../../src/samples/generate.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { s3rverClientConfig, startS3rver, type S3rver } from './s3rver.js';

export const S3RVER_ENV = Object.freeze({ AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' });

/** The default credential chain of in-process S3 clients finds these. */
export function useS3rverCredentials(): void {
  Object.assign(process.env, S3RVER_ENV);
  delete process.env.AWS_PROFILE;
}

export interface Upload {
  key: string;
  file?: string;
  body?: string | Buffer;
}

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
  }
  return out.sort();
}

/** `<samples>/cloudtrail/AWSLogs/<acct>/CloudTrail/…` → `<prefix>AWSLogs/[<org>/]<acct>/CloudTrail/…`, plus a Digest and an Insight file per account. */
export async function cloudTrailUploads(samples: string, opts: { prefix?: string; org?: string; digests?: boolean } = {}): Promise<Upload[]> {
  const base = path.join(samples, 'cloudtrail');
  const out: Upload[] = [];
  const accounts = new Set<string>();
  for (const file of await files(base)) {
    const rel = path.relative(base, file).split(path.sep).join('/');
    const m = /^AWSLogs\/(\d{12})\/(.*)$/.exec(rel);
    if (!m) continue;
    accounts.add(m[1]);
    out.push({ key: `${opts.prefix ?? ''}AWSLogs/${opts.org ? `${opts.org}/` : ''}${m[1]}/${m[2]}`, file });
  }
  if (opts.digests !== false) {
    for (const acct of accounts) {
      const root = `${opts.prefix ?? ''}AWSLogs/${opts.org ? `${opts.org}/` : ''}${acct}`;
      out.push({ key: `${root}/CloudTrail-Digest/us-east-1/2026/03/02/${acct}_CloudTrail-Digest_us-east-1_main_us-east-1_20260302T010000Z.json.gz`, body: 'not a log: a digest' });
      out.push({ key: `${root}/CloudTrail-Insight/us-east-1/2026/03/02/${acct}_CloudTrail-Insight_us-east-1_20260302T0100Z_abcdefabcdefabcd.json.gz`, body: 'not a log: insights' });
    }
  }
  return out;
}

/** `<samples>/s3access/<bucket>/<YYYY-MM-DD-hh-mm-ss-UNIQ>` → `<destPrefix(bucket)><name>`. */
export async function accessSimpleUploads(samples: string, destPrefix: (bucket: string) => string): Promise<Upload[]> {
  const base = path.join(samples, 's3access');
  const out: Upload[] = [];
  for (const file of await files(base)) {
    const [bucket, name] = path.relative(base, file).split(path.sep);
    out.push({ key: `${destPrefix(bucket)}${name}`, file });
  }
  return out;
}

/**
 * Partitioned layout: `<destPrefix><acct>/<region>/<bucket>/YYYY/MM/DD/YYYY-MM-DD-hh-mm-ss-UNIQ`;
 * by event time every name is `…-00-00-00-UNIQ` in the folder of its day.
 */
export async function accessPartitionedUploads(samples: string, opts: { destPrefix: string; account: string; region: string; mode: 'delivery' | 'event' }): Promise<Upload[]> {
  const base = path.join(samples, 's3access');
  const out: Upload[] = [];
  for (const file of await files(base)) {
    const [bucket, name] = path.relative(base, file).split(path.sep);
    const m = /^(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-([A-Za-z0-9]+)$/.exec(name);
    if (!m) continue;
    const [, Y, M, D, h, mi, s, uniq] = m;
    const leaf = opts.mode === 'event' ? `${Y}-${M}-${D}-00-00-00-${uniq}` : `${Y}-${M}-${D}-${h}-${mi}-${s}-${uniq}`;
    out.push({ key: `${opts.destPrefix}${opts.account}/${opts.region}/${bucket}/${Y}/${M}/${D}/${leaf}`, file });
  }
  return out;
}

export async function putAll(client: S3Client, bucket: string, uploads: readonly Upload[], concurrency = 8): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < uploads.length) {
      const u = uploads[next++];
      const body = u.body ?? (await readFile(u.file!));
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: u.key, Body: body }));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

export async function listAllKeys(client: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key) out.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

export async function getText(client: S3Client, bucket: string, key: string): Promise<string> {
  const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await res.Body?.transformToString('utf8')) ?? '';
}

/** Every finding in every findings object under a prefix, in key order. */
export async function readFindings(client: S3Client, bucket: string, prefix: string): Promise<{ key: string; findings: Finding[] }[]> {
  const out: { key: string; findings: Finding[] }[] = [];
  for (const key of await listAllKeys(client, bucket, `${prefix}findings/`)) {
    const text = await getText(client, bucket, key);
    out.push({ key, findings: text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Finding) });
  }
  return out;
}

/** A test bed: s3rver with buckets, the fault proxy in front of it, a client straight to the server. */
export interface S3Bed {
  server: S3rver;
  proxy: FaultProxy;
  /** Talks to s3rver directly (uploads and checks bypass the proxy). */
  client: S3Client;
  /** What trailhound is pointed at (the proxy). */
  endpoint: string;
  /**
   * Restarts the server with its data: the endpoint stops answering (connections cut, then
   * refused), a new s3rver process starts on the same data, and the endpoint answers again.
   */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startS3Bed(buckets: readonly string[]): Promise<S3Bed> {
  useS3rverCredentials();
  const server = await startS3rver({ buckets });
  const proxy = await startFaultProxy(server.endpoint);
  const bed: S3Bed = {
    server,
    proxy,
    client: new S3Client(s3rverClientConfig(server.endpoint)),
    endpoint: proxy.endpoint,
    async restart() {
      const saved = await mkdtemp(path.join(tmpdir(), 's3rver-saved-'));
      await proxy.pause();
      await cp(bed.server.directory, saved, { recursive: true });
      await bed.server.stop();
      const next = await startS3rver();
      await cp(saved, next.directory, { recursive: true });
      await rm(saved, { recursive: true, force: true });
      bed.server = next;
      bed.client.destroy();
      bed.client = new S3Client(s3rverClientConfig(next.endpoint));
      proxy.setUpstream(next.endpoint);
      await proxy.resume();
    },
    async close() {
      bed.client.destroy();
      await proxy.close();
      await bed.server.stop();
    },
  };
  return bed;
}

const generated = new Map<string, Promise<string>>();

/** Generated sample logs (cached per process): `<dir>/cloudtrail/AWSLogs/…` and `<dir>/s3access/<bucket>/…`. */
export function sampleLogs(days: number, seed: number): Promise<string> {
  const id = `${days}/${seed}`;
  let dir = generated.get(id);
  if (!dir) {
    dir = (async () => {
      const out = await mkdtemp(path.join(tmpdir(), `th-s3-samples-${days}d-`));
      await generateSamples({ out, days, seed });
      return out;
    })();
    generated.set(id, dir);
  }
  return dir;
}

/** Keys of the objects GET by the proxy's clients since request number `from` (listings excluded). */
export function objectsRead(proxy: FaultProxy, bucket: string, from = 0): string[] {
  const out: string[] = [];
  for (const r of proxy.requests.slice(from)) {
    if (r.method !== 'GET' || r.fault) continue;
    const u = new URL(r.url, 'http://x');
    if (u.searchParams.has('list-type')) continue;
    const p = decodeURIComponent(u.pathname);
    if (p.startsWith(`/${bucket}/`)) out.push(p.slice(bucket.length + 2));
  }
  return [...new Set(out)].sort();
}
