/**
 * `--out s3://bucket/prefix/`: an append-only findings sink writing one object per run,
 * `<prefix>findings/YYYY/MM/DD/<run-id>.ndjson` (run start, UTC), exactly once per finding.
 *
 * The state remembers, per sink, which finding ids (with a hash of their content) were written.
 * A run writes only findings that are new or whose content changed (more evidence, higher
 * severity), so a re-run over the same input writes nothing. A crash between writing the object
 * and committing the state is covered by a write-ahead record: before the PUT, the state is
 * saved (baselines and checkpoints unchanged) with `pending = {key, ids}`; the next run checks
 * whether that object exists and, if so, counts its ids as written. Consumers may still dedupe
 * by `id` (the latest object wins) — a finding only appears twice when its content changed.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import type { Finding } from '../detect/finding.js';
import { SourceError, TrailhoundError } from '../errors.js';
import { parseS3Uri, s3Client } from '../sources/s3.js';
import { statKey } from '../sources/s3-list.js';
import { describeError, withRetries, type RetryPolicy } from '../sources/s3-retry.js';
import type { S3ClientSettings } from '../sources/types.js';
import type { OutputState, StateDoc } from '../state/types.js';
import { formatFindings } from './findings.js';

/** Written findings are remembered for this long after their window ended, and at most this many. */
const RETAIN_MS = 30 * 86_400_000;
const RETAIN_MAX = 100_000;

export interface SinkStateAccess {
  loaded: Readonly<StateDoc>;
  journal(outputs: NonNullable<StateDoc['outputs']>): Promise<void>;
}

export interface SinkWrite {
  /** The object written, when there was anything new. */
  key?: string;
  written: number;
  /** Findings already written by an earlier run with the same content. */
  unchanged: number;
  /** The `outputs` section to commit with the state. */
  outputs: NonNullable<StateDoc['outputs']>;
}

/** What makes a finding "the same" across runs: its id plus the facts it reports. */
export function findingHash(f: Finding): string {
  const material = [f.severity, f.kind, f.window, f.observed, f.baseline, f.evidence.count, f.first_seen, f.last_seen, f.summary];
  return createHash('sha256').update(JSON.stringify(material)).digest('hex').slice(0, 16);
}

export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(4).toString('hex')}`;
}

function prune(emitted: OutputState['emitted']): OutputState['emitted'] {
  const entries = Object.entries(emitted);
  let newest = 0;
  for (const [, [, end]] of entries) newest = Math.max(newest, Date.parse(end) || 0);
  const kept = entries.filter(([, [, end]]) => (Date.parse(end) || newest) >= newest - RETAIN_MS);
  kept.sort((a, b) => (a[1][1] < b[1][1] ? 1 : a[1][1] > b[1][1] ? -1 : 0));
  return Object.fromEntries(kept.slice(0, RETAIN_MAX));
}

export class S3FindingsSink {
  readonly id: string;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(
    uri: string,
    private readonly settings: S3ClientSettings,
    private readonly format: 'ndjson' | 'ocsf' = 'ndjson',
    private readonly retry?: RetryPolicy,
  ) {
    const { bucket, prefix } = parseS3Uri(uri);
    this.bucket = bucket;
    this.prefix = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    this.id = `s3://${bucket}/${this.prefix}`;
  }

  uriOf(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  keyFor(runId: string, day: Date): string {
    const d = day.toISOString();
    return `${this.prefix}findings/${d.slice(0, 4)}/${d.slice(5, 7)}/${d.slice(8, 10)}/${runId}.ndjson`;
  }

  private async exists(key: string): Promise<boolean> {
    try {
      return (await statKey(s3Client(this.settings), this.bucket, key, this.retry)) !== undefined;
    } catch (err) {
      throw new SourceError(`cannot check s3://${this.bucket}/${key}: ${describeError(err)}`);
    }
  }

  async write(findings: readonly Finding[], state: SinkStateAccess | undefined, runId: string, started: Date, afterJournal?: () => void): Promise<SinkWrite> {
    const outputs = { ...(state?.loaded.outputs ?? {}) };
    const previous = outputs[this.id] ?? { emitted: {} };
    const emitted = { ...previous.emitted };
    // A run that crashed after its write-ahead record: its object, if it exists, holds these ids.
    if (previous.pending && (await this.exists(previous.pending.key))) Object.assign(emitted, previous.pending.ids);

    const fresh: Finding[] = [];
    const ids: OutputState['emitted'] = {};
    for (const f of findings) {
      const hash = findingHash(f);
      if (emitted[f.id]?.[0] === hash) continue;
      fresh.push(f);
      ids[f.id] = [hash, f.window.end];
    }
    const unchanged = findings.length - fresh.length;
    if (fresh.length === 0) {
      outputs[this.id] = { emitted: prune(emitted) };
      return { written: 0, unchanged, outputs };
    }
    const key = this.keyFor(runId, started);
    if (state) await state.journal({ ...outputs, [this.id]: { emitted, pending: { key, ids } } });
    afterJournal?.();
    try {
      await withRetries(`put s3://${this.bucket}/${key}`, () =>
        s3Client(this.settings).send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: formatFindings(fresh, this.format), ContentType: 'application/x-ndjson' })), this.retry);
    } catch (err) {
      throw new TrailhoundError(`cannot write findings to s3://${this.bucket}/${key}: ${describeError(err)}`, 'check s3:PutObject on the findings prefix; the state was not advanced, the next run writes them again');
    }
    outputs[this.id] = { emitted: prune({ ...emitted, ...ids }) };
    return { key, written: fresh.length, unchanged, outputs };
  }
}
