/**
 * Test helper: an HTTP proxy in front of an S3 server that injects faults — every Nth request
 * answered 500 (InternalError) or 503 (SlowDown), its connection reset before any response, or
 * reset half-way through the response body — and can play a server restart (the listening port
 * closes and every connection drops, then it listens again, possibly to a new upstream). It
 * logs every request (method, path and query) so tests can check what was listed. Optionally
 * it enforces `If-None-Match: *` / `If-Match` on PUT, which s3rver itself ignores.
 *
 * It also answers Delimiter listings itself (from a plain listing of the upstream): s3rver
 * 3.7 omits a common prefix whose objects all sit more than one folder deeper (its directory
 * walk prunes them), which real S3 and MinIO do not.
 */
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { s3rverClientConfig } from './s3rver.js';

export type FaultKind = '500' | '503' | 'reset' | 'reset-mid-body';

export interface FaultSpec {
  /** Every Nth request (counted from when the spec is set) gets a fault. */
  every: number;
  /** Faults in rotation. */
  kinds: FaultKind[];
  /** Only requests whose method is listed (default: all). */
  methods?: string[];
}

export interface LoggedRequest {
  method: string;
  url: string;
  fault?: FaultKind;
  status?: number;
}

export interface FaultProxy {
  endpoint: string;
  readonly requests: LoggedRequest[];
  faults: FaultSpec | undefined;
  /** Delay before forwarding each request (a slow server). */
  latencyMs: number;
  /** A fault for a particular request (checked before `faults`), e.g. one object that always fails. */
  rule: ((req: { method: string; url: string }) => FaultKind | undefined) | undefined;
  enforceConditionals: boolean;
  setUpstream(endpoint: string): void;
  /** The server "goes down": the port closes, open connections are cut. */
  pause(): Promise<void>;
  /** …and comes back on the same port. */
  resume(): Promise<void>;
  close(): Promise<void>;
  /** Faults injected so far. */
  readonly injected: number;
  /** Most object GETs (not listings) open at the same time since the last reset. */
  readonly maxConcurrentGets: number;
  resetConcurrency(): void;
}

const ERROR_XML = (code: string, message: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-proxy</RequestId></Error>`;

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** ListObjectsV2 with a Delimiter, computed from a plain listing (one page: IsTruncated false). */
async function delimiterListing(s3: S3Client, bucket: string, q: URLSearchParams): Promise<string> {
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '/';
  const startAfter = q.get('start-after') ?? undefined;
  const prefixes = new Set<string>();
  const contents: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, StartAfter: token ? undefined : startAfter, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      const key = o.Key!;
      const idx = key.slice(prefix.length).indexOf(delimiter);
      if (idx !== -1) prefixes.add(key.slice(0, prefix.length + idx + delimiter.length));
      else contents.push(`<Contents><Key>${xml(key)}</Key><LastModified>${o.LastModified!.toISOString()}</LastModified><ETag>${xml(o.ETag ?? '')}</ETag><Size>${o.Size ?? 0}</Size><StorageClass>STANDARD</StorageClass></Contents>`);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  const cps = [...prefixes].sort().map((p) => `<CommonPrefixes><Prefix>${xml(p)}</Prefix></CommonPrefixes>`);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
    `<Name>${xml(bucket)}</Name><Prefix>${xml(prefix)}</Prefix><Delimiter>${xml(delimiter)}</Delimiter><MaxKeys>1000</MaxKeys>` +
    `<KeyCount>${contents.length + cps.length}</KeyCount><IsTruncated>false</IsTruncated>${startAfter ? `<StartAfter>${xml(startAfter)}</StartAfter>` : ''}` +
    `${contents.join('')}${cps.join('')}</ListBucketResult>`
  );
}

export async function startFaultProxy(upstreamEndpoint: string): Promise<FaultProxy> {
  let upstream = new URL(upstreamEndpoint);
  let s3 = new S3Client(s3rverClientConfig(upstreamEndpoint));
  const sockets = new Set<Socket>();
  let counter = 0;
  let injected = 0;
  let port = 0;
  let openGets = 0;
  let maxGets = 0;

  const state: Pick<FaultProxy, 'faults' | 'enforceConditionals' | 'requests' | 'rule' | 'latencyMs'> = { faults: undefined, enforceConditionals: false, requests: [], rule: undefined, latencyMs: 0 };

  function pickFault(method: string, url: string): FaultKind | undefined {
    const ruled = state.rule?.({ method, url });
    if (ruled) return ruled;
    const f = state.faults;
    if (!f || (f.methods && !f.methods.includes(method))) return undefined;
    counter++;
    if (counter % f.every !== 0) return undefined;
    return f.kinds[(counter / f.every) % f.kinds.length];
  }

  async function preconditionFails(req: http.IncomingMessage): Promise<boolean> {
    if (!state.enforceConditionals || req.method !== 'PUT') return false;
    const ifNoneMatch = req.headers['if-none-match'];
    const ifMatch = req.headers['if-match'];
    if (!ifNoneMatch && !ifMatch) return false;
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\//, '');
    const slash = path.indexOf('/');
    const bucket = path.slice(0, slash);
    const key = path.slice(slash + 1);
    let etag: string | undefined;
    try {
      etag = (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ETag;
    } catch {
      etag = undefined;
    }
    if (ifNoneMatch === '*' && etag !== undefined) return true;
    if (ifMatch !== undefined && ifMatch !== etag) return true;
    return false;
  }

  const server = http.createServer((req, res) => {
    const entry: LoggedRequest = { method: req.method ?? 'GET', url: req.url ?? '/' };
    state.requests.push(entry);
    if (entry.method === 'GET' && !entry.url.includes('list-type=')) {
      openGets++;
      maxGets = Math.max(maxGets, openGets);
      res.once('close', () => openGets--);
    }
    const fault = pickFault(entry.method, entry.url);
    entry.fault = fault;
    if (fault) injected++;
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault === '500' || fault === '503') {
      req.resume();
      const body = fault === '500' ? ERROR_XML('InternalError', 'We encountered an internal error. Please try again.') : ERROR_XML('SlowDown', 'Please reduce your request rate.');
      entry.status = Number(fault);
      res.writeHead(entry.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.searchParams.get('list-type') === '2' && url.searchParams.has('delimiter')) {
      req.resume();
      const bucket = decodeURIComponent(url.pathname.replace(/^\//, '').replace(/\/$/, ''));
      delimiterListing(s3, bucket, url.searchParams).then(
        (body) => {
          entry.status = 200;
          res.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
          res.end(body);
        },
        () => res.socket?.destroy(),
      );
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void new Promise((r) => setTimeout(r, state.latencyMs)).then(() => preconditionFails(req)).then((fails) => {
        if (fails) {
          const body = ERROR_XML('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
          entry.status = 412;
          res.writeHead(412, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
          res.end(body);
          return;
        }
        const up = http.request(
          { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
          (upRes) => {
            entry.status = upRes.statusCode;
            const length = Number(upRes.headers['content-length'] ?? 0);
            res.writeHead(upRes.statusCode ?? 502, upRes.headers);
            if (fault === 'reset-mid-body' && length >= 2) {
              // Half the body reaches the client (flushed, so its parser has seen it), then the connection drops.
              let sent = 0;
              let cut = false;
              upRes.on('data', (c: Buffer) => {
                if (cut) return;
                const room = Math.floor(length / 2) - sent;
                if (room <= 0) return;
                sent += Math.min(room, c.length);
                const last = sent >= Math.floor(length / 2);
                if (last) cut = true;
                res.write(c.subarray(0, room), () => {
                  if (last) setTimeout(() => res.socket?.destroy(), 50);
                });
                if (last) upRes.destroy();
              });
              return;
            }
            if (fault === 'reset-mid-body') {
              upRes.destroy();
              res.socket?.destroy();
              return;
            }
            upRes.pipe(res);
          },
        );
        up.on('error', () => res.socket?.destroy());
        up.end(Buffer.concat(chunks));
      });
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const listen = (p: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => {
        server.off('error', reject);
        port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  await listen(0);

  const proxy: FaultProxy = {
    endpoint: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    get faults() {
      return state.faults;
    },
    set faults(f) {
      counter = 0;
      state.faults = f;
    },
    get latencyMs() {
      return state.latencyMs;
    },
    set latencyMs(ms) {
      state.latencyMs = ms;
    },
    get rule() {
      return state.rule;
    },
    set rule(r) {
      state.rule = r;
    },
    get enforceConditionals() {
      return state.enforceConditionals;
    },
    set enforceConditionals(v) {
      state.enforceConditionals = v;
    },
    get injected() {
      return injected;
    },
    get maxConcurrentGets() {
      return maxGets;
    },
    resetConcurrency() {
      maxGets = openGets;
    },
    setUpstream(endpoint: string) {
      upstream = new URL(endpoint);
      s3.destroy();
      s3 = new S3Client(s3rverClientConfig(endpoint));
    },
    async pause() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
    async resume() {
      await listen(port);
    },
    async close() {
      s3.destroy();
      await proxy.pause().catch(() => undefined);
    },
  };
  return proxy;
}
