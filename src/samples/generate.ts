/**
 * `generateSamples`: a deterministic, labelled synthetic data set for trailhound — CloudTrail
 * delivery files and S3 server access logs of a small organisation, with injected incidents
 * for every detector recorded in `labels.json`. The same options give byte-identical output.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeAccessLogs } from './access-log-writer.js';
import type { ApiCall } from './api-call.js';
import { BENIGN_WORKLOADS } from './benign.js';
import { DAY } from './clock.js';
import { writeCloudTrail } from './cloudtrail-writer.js';
import { injectControls } from './controls.js';
import { DETECTORS, injectIncidents, type DeliveryEffects, type Detector, type SampleLabel } from './incidents.js';
import { Random } from './random.js';
import type { Sim } from './sim.js';

export type { Detector, LabelSubject, SampleLabel } from './incidents.js';

export interface SampleOptions {
  /** Output directory; its `cloudtrail/`, `s3access/` and `labels.json` are replaced. */
  out: string;
  days: number;
  seed: number;
  /** First day (UTC; truncated to midnight). Default 2026-03-02, a Monday. */
  start?: Date;
  /** Gzip access-log objects (same names; readers detect gzip by magic bytes). Default false. */
  accessLogGzip?: boolean;
  /** CloudTrail delivers one file per account and region this often. Default 60. */
  cloudTrailIntervalMinutes?: number;
  /** S3 delivers one access-log object per source bucket this often. Default 60. */
  accessLogIntervalMinutes?: number;
}

export interface SampleSummary {
  out: string;
  seed: number;
  days: number;
  start: string;
  end: string;
  cloudtrail: { objects: number; records: number };
  accessLogs: { objects: number; lines: number; gzip: boolean };
  incidents: { total: number; byDetector: Record<Detector, number> };
  labelsFile: string;
}

/** The content of `labels.json`. */
export interface LabelsFile {
  generator: string;
  synthetic: true;
  seed: number;
  days: number;
  start: string;
  end: string;
  labels: SampleLabel[];
}

export const DEFAULT_START = new Date('2026-03-02T00:00:00Z');
export const MAX_DAYS = 366;

export async function generateSamples(opts: SampleOptions): Promise<SampleSummary> {
  if (!Number.isInteger(opts.days) || opts.days < 1 || opts.days > MAX_DAYS) {
    throw new RangeError(`days must be an integer from 1 to ${MAX_DAYS}, got ${opts.days}`);
  }
  if (!Number.isSafeInteger(opts.seed)) throw new RangeError(`seed must be an integer, got ${opts.seed}`);
  const startTime = (opts.start ?? DEFAULT_START).getTime();
  if (Number.isNaN(startTime)) throw new RangeError('start is not a valid date');
  const start = Math.floor(startTime / DAY) * DAY;
  const end = start + opts.days * DAY;
  const gzip = opts.accessLogGzip ?? false;
  const rng = Random.create(opts.seed);

  const calls: ApiCall[] = [];
  const sim: Sim = { start, end, emit: (call) => calls.push(call) };
  for (const [name, workload] of BENIGN_WORKLOADS) workload(sim, rng.fork(`benign/${name}`));
  const effects: DeliveryEffects = { cloudTrailGaps: [], accessLogGaps: [], requesterDataEventsUntil: new Map() };
  const labels = injectIncidents(sim, rng.fork('incidents'), start, opts.days, effects);
  injectControls(sim, rng.fork('controls'), start, opts.days);
  const inPeriod = calls.filter((c) => c.time >= start && c.time < end);
  addDeliveryQuirks(inPeriod, rng.fork('delivery-quirks'));

  await Promise.all(['cloudtrail', 's3access', 'labels.json'].map((p) => rm(join(opts.out, p), { recursive: true, force: true })));
  const cloudtrail = await writeCloudTrail(opts.out, inPeriod, rng.fork('cloudtrail-delivery'), {
    intervalMinutes: opts.cloudTrailIntervalMinutes ?? 60,
    gaps: effects.cloudTrailGaps,
    requesterDataEventsUntil: effects.requesterDataEventsUntil,
  });
  const accessLogs = await writeAccessLogs(opts.out, inPeriod, rng.fork('access-log-delivery'), {
    intervalMinutes: opts.accessLogIntervalMinutes ?? 60,
    gzip,
    gaps: effects.accessLogGaps,
  });

  const period = { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
  const labelsFile = join(opts.out, 'labels.json');
  const file: LabelsFile = { generator: 'trailhound samples', synthetic: true, seed: opts.seed, days: opts.days, ...period, labels };
  await writeFile(labelsFile, JSON.stringify(file, null, 2) + '\n');

  const byDetector = Object.fromEntries(DETECTORS.map((d) => [d, 0])) as Record<Detector, number>;
  for (const label of labels) byDetector[label.detector]++;
  return {
    out: opts.out,
    seed: opts.seed,
    days: opts.days,
    ...period,
    cloudtrail: { objects: cloudtrail.objects, records: cloudtrail.entries },
    accessLogs: { objects: accessLogs.objects, lines: accessLogs.entries, gzip },
    incidents: { total: labels.length, byDetector },
    labelsFile,
  };
}

/**
 * Real delivery is not exactly-once: a few CloudTrail events arrive in two files (same eventID)
 * or an hour late, and a few access-log lines are repeated in the next object or arrive late.
 */
function addDeliveryQuirks(calls: ApiCall[], rng: Random): void {
  const trailed = calls.filter((c) => c.inCloudTrail);
  const logged = calls.filter((c) => c.inAccessLog);
  const consoleLogins = trailed.filter((c) => c.eventName === 'ConsoleLogin');
  const picks = (from: ApiCall[], n: number) => (from.length === 0 ? [] : Array.from({ length: n }, () => rng.pick(from)));
  for (const call of [...picks(consoleLogins, 1), ...picks(trailed, 3)]) call.delivery.cloudTrail.duplicate = true;
  for (const call of picks(trailed, 3)) call.delivery.cloudTrail.lateMinutes = 60;
  for (const call of picks(logged, 4)) call.delivery.accessLog.duplicate = true;
  for (const call of picks(logged, 3)) call.delivery.accessLog.lateMinutes = 120;
}
