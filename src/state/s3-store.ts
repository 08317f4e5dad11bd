/**
 * State in S3 (`--state s3://bucket/prefix/`): `state.json` and a lease lock `lock.json`, with
 * the same semantics as the local directory (a lock against overlapping runs, a clear error on a
 * corrupt or newer state, a stale lock of a dead run taken over).
 *
 * Concurrency, in two layers (README "State in S3"):
 * - Conditional writes where the server supports them (AWS S3, MinIO): the lock is created with
 *   `If-None-Match: *` or replaced with `If-Match: <etag>`, and `state.json` is written with
 *   `If-Match` on the ETag it was loaded with (or `If-None-Match: *` when there was none). A
 *   precondition failure means another run got there first: a StateError, never a lost update.
 * - A lease for servers that ignore those headers (s3rver, some S3-compatible stores): the lock
 *   holds a random token and an expiry, renewed while the run lasts; a run re-reads the lock
 *   after a settle delay and before every save, and stops when the token is no longer its own.
 *   Without conditional writes this narrows the race to two runs starting within the settle delay.
 * A lock whose lease expired, or left by a dead process on the same host, is stale and taken over.
 */
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { StateError } from '../errors.js';
import { log } from '../log.js';
import { parseS3Uri, s3Client } from '../sources/s3.js';
import { statKey } from '../sources/s3-list.js';
import { describeError, httpStatusOf, withRetries, type RetryPolicy } from '../sources/s3-retry.js';
import type { S3ClientSettings } from '../sources/types.js';
import type { StateDoc, StateStore } from './types.js';
import { parseStateDoc } from './validate.js';

export interface LeaseInfo {
  token: string;
  pid: number;
  host: string;
  /** Start of the holding process (a restarted container reuses pids). */
  process_started: string;
  acquired: string;
  expires: string;
}

export interface S3StateStoreOptions {
  /** Lease length; renewed every third of it while the run lasts. Default 5 minutes. */
  leaseMs?: number;
  /** Wait between writing the lock and re-reading it. Default 500 ms. */
  settleMs?: number;
  retry?: RetryPolicy;
  now?: () => number;
}

const PROCESS_STARTED = new Date(Date.now() - process.uptime() * 1000).toISOString();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isMissing(err: unknown): boolean {
  return httpStatusOf(err) === 404 || (err as Error).name === 'NoSuchKey';
}

function isPreconditionFailed(err: unknown): boolean {
  return httpStatusOf(err) === 412 || (err as Error).name === 'PreconditionFailed' || (err as Error).name === 'ConditionalRequestConflict' || httpStatusOf(err) === 409;
}

function isNotImplemented(err: unknown): boolean {
  return httpStatusOf(err) === 501 || (err as Error).name === 'NotImplemented';
}

export class S3StateStore implements StateStore {
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly leaseMs: number;
  private readonly settleMs: number;
  private readonly now: () => number;
  private lease: { info: LeaseInfo; etag?: string } | undefined;
  private lost: string | undefined;
  private stateEtag: string | undefined | null = null;
  private renewTimer: NodeJS.Timeout | undefined;
  private renewing: Promise<void> = Promise.resolve();
  /** Cleared when the server rejects conditional headers with 501. */
  private conditional = true;

  constructor(
    readonly description: string,
    private readonly settings: S3ClientSettings = {},
    private readonly opts: S3StateStoreOptions = {},
  ) {
    const { bucket, prefix } = parseS3Uri(description);
    this.bucket = bucket;
    this.prefix = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    this.leaseMs = opts.leaseMs ?? 5 * 60_000;
    this.settleMs = opts.settleMs ?? 500;
    this.now = opts.now ?? Date.now;
  }

  get stateKey(): string {
    return `${this.prefix}state.json`;
  }

  get lockKey(): string {
    return `${this.prefix}lock.json`;
  }

  private get client(): S3Client {
    return s3Client(this.settings);
  }

  private uri(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  private async get(key: string): Promise<{ text: string; etag?: string } | undefined> {
    try {
      if (!(await statKey(this.client, this.bucket, key, this.opts.retry))) return undefined;
    } catch (err) {
      throw new StateError(`cannot list ${this.uri(key)}: ${describeError(err)}`, 'check --state, --endpoint/--region and s3:ListBucket on the state prefix');
    }
    try {
      return await withRetries(`get ${this.uri(key)}`, async () => {
        const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
        return { text: (await res.Body?.transformToString('utf8')) ?? '', etag: res.ETag };
      }, this.opts.retry);
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw new StateError(`cannot read ${this.uri(key)}: ${describeError(err)}`, 'check --state, --endpoint/--region and s3:GetObject on the state prefix');
    }
  }

  /** PUT with a precondition (`ifMatch` ETag, or `null` for "must not exist"); false when it failed. */
  private async put(key: string, body: string, precondition: string | null | undefined): Promise<{ ok: true; etag?: string } | { ok: false }> {
    const conditions = !this.conditional || precondition === undefined ? {} : precondition === null ? { IfNoneMatch: '*' } : { IfMatch: precondition };
    try {
      const res = await withRetries(`put ${this.uri(key)}`, () =>
        this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/json', ...conditions })), this.opts.retry);
      return { ok: true, etag: res.ETag };
    } catch (err) {
      if (isPreconditionFailed(err)) return { ok: false };
      if (isNotImplemented(err) && this.conditional && precondition !== undefined) {
        log().warn({ state: this.description }, 'the S3 server does not implement conditional writes: relying on the lease lock alone');
        this.conditional = false;
        return this.put(key, body, undefined);
      }
      throw new StateError(`cannot write ${this.uri(key)}: ${describeError(err)}`, 'check s3:PutObject on the state prefix');
    }
  }

  private async readLease(): Promise<{ info?: LeaseInfo; etag?: string; exists: boolean }> {
    const got = await this.get(this.lockKey);
    if (!got) return { exists: false };
    try {
      return { info: JSON.parse(got.text) as LeaseInfo, etag: got.etag, exists: true };
    } catch {
      return { etag: got.etag, exists: true };
    }
  }

  private stale(holder: LeaseInfo | undefined): boolean {
    if (!holder || typeof holder.expires !== 'string') return true;
    if (Date.parse(holder.expires) <= this.now()) return true;
    if (holder.host !== hostname()) return false;
    if (holder.pid === process.pid) return holder.process_started !== PROCESS_STARTED;
    return !alive(holder.pid);
  }

  private lockedError(holder: LeaseInfo | undefined): StateError {
    const who = holder ? `pid ${holder.pid} on ${holder.host} since ${holder.acquired}, lease until ${holder.expires}` : 'an unknown run';
    return new StateError(`state ${this.description} is locked by another run (${who})`, `wait for it to finish or for the lease to expire; if that run is gone, delete ${this.uri(this.lockKey)}`);
  }

  private newLease(token: string): LeaseInfo {
    const now = this.now();
    return { token, pid: process.pid, host: hostname(), process_started: PROCESS_STARTED, acquired: new Date(now).toISOString(), expires: new Date(now + this.leaseMs).toISOString() };
  }

  async lock(): Promise<void> {
    const current = await this.readLease();
    if (current.exists && !this.stale(current.info)) throw this.lockedError(current.info);
    if (current.exists) log().warn({ lock: this.uri(this.lockKey), holder: current.info }, 'taking over a stale state lock (lease expired or its process is gone)');
    const info = this.newLease(randomUUID());
    const put = await this.put(this.lockKey, JSON.stringify(info), current.exists ? (current.etag ?? null) : null);
    if (!put.ok) throw this.lockedError((await this.readLease()).info);
    // Servers that ignore preconditions let two runs both "create" the lock: the later write wins, the other sees it here.
    await sleep(this.settleMs);
    const check = await this.readLease();
    if (check.info?.token !== info.token) throw this.lockedError(check.info);
    this.lease = { info, etag: check.etag ?? put.etag };
    this.lost = undefined;
    this.stateEtag = null;
    this.renewTimer = setInterval(() => {
      this.renewing = this.renewing.then(() => this.renew()).catch((err: unknown) => {
        log().warn({ err: describeError(err), lock: this.uri(this.lockKey) }, 'could not renew the state lease');
      });
    }, Math.max(1_000, Math.floor(this.leaseMs / 3)));
    this.renewTimer.unref();
  }

  private async renew(): Promise<void> {
    if (!this.lease || this.lost) return;
    const check = await this.readLease();
    if (check.info?.token !== this.lease.info.token) {
      this.lost = check.info ? `taken over by pid ${check.info.pid} on ${check.info.host}` : 'the lock object was deleted';
      return;
    }
    const info = { ...this.lease.info, expires: new Date(this.now() + this.leaseMs).toISOString() };
    const put = await this.put(this.lockKey, JSON.stringify(info), check.etag ?? this.lease.etag);
    if (!put.ok) {
      this.lost = 'the lock changed while renewing it';
      return;
    }
    this.lease = { info, etag: put.etag };
  }

  /** Throws unless this run still holds the lease. */
  private async assertHeld(): Promise<void> {
    if (!this.lease) throw new StateError(`state ${this.description} is not locked by this run`);
    await this.renewing;
    if (!this.lost) {
      const check = await this.readLease();
      if (check.info?.token !== this.lease.info.token) this.lost = check.info ? `taken over by pid ${check.info.pid} on ${check.info.host}` : 'the lock object was deleted';
    }
    if (this.lost) throw new StateError(`lost the state lock ${this.uri(this.lockKey)}: ${this.lost}; nothing was saved`, 'another run took over (did this run outlive its lease?); the next run repeats this one');
  }

  async load(): Promise<StateDoc | null> {
    const got = await this.get(this.stateKey);
    this.stateEtag = got?.etag;
    if (!got) return null;
    return parseStateDoc(got.text, this.uri(this.stateKey));
  }

  async save(doc: StateDoc): Promise<void> {
    await this.assertHeld();
    // Precondition: the state is still the one loaded (or still absent); undefined when load was skipped.
    const precondition = this.stateEtag === null ? undefined : (this.stateEtag ?? null);
    const put = await this.put(this.stateKey, JSON.stringify(doc), precondition);
    if (!put.ok) {
      throw new StateError(`state ${this.uri(this.stateKey)} was changed by another run since this run loaded it; nothing was saved`, 'the next run starts from the newer state');
    }
    this.stateEtag = put.etag;
  }

  async unlock(): Promise<void> {
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = undefined;
    const lease = this.lease;
    this.lease = undefined;
    if (!lease) return;
    await this.renewing;
    const check = await this.readLease();
    if (check.info?.token !== lease.info.token) return;
    try {
      await withRetries(`delete ${this.uri(this.lockKey)}`, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.lockKey })), this.opts.retry);
    } catch (err) {
      log().warn({ err: describeError(err), lock: this.uri(this.lockKey) }, 'could not delete the state lock; it expires with its lease');
    }
  }
}
