/**
 * Injected incidents and their labels. Incidents happen on the last three days of the period
 * (days 7–9 of a 10-day run), so detectors have a week of history first; each one records the
 * detector expected to report it, the subject and the window its evidence spans.
 */
import type { ApiCall } from './api-call.js';
import type { LoggingGap } from './cloudtrail-writer.js';
import { DAY, MINUTE } from './clock.js';
import { CONFIG_INCIDENTS } from './incidents-config.js';
import { PRINCIPAL_INCIDENTS } from './incidents-principals.js';
import { TRANSPORT_INCIDENTS } from './incidents-transport.js';
import { VOLUME_INCIDENTS } from './incidents-volume.js';
import type { Random } from './random.js';
import type { Sim } from './sim.js';

export const DETECTORS = ['unusual-principal', 'volume-spike', 'insecure-transport', 's3-config-change'] as const;
export type Detector = (typeof DETECTORS)[number];

export interface LabelSubject {
  principal?: string;
  bucket?: string;
  source_ip?: string;
  account?: string;
}

export interface SampleLabel {
  id: string;
  detector: Detector;
  subject: LabelSubject;
  /** ISO-8601; the span of the incident's own requests (whole minutes). */
  window: { start: string; end: string };
  description: string;
}

/** A bucket whose access logging was off: lines in [start, end) are never delivered. */
export interface AccessLogGap {
  bucket: string;
  start: number;
  end: number;
}

/** How incidents change what the logs contain, beyond the requests they make. */
export interface DeliveryEffects {
  cloudTrailGaps: LoggingGap[];
  accessLogGaps: AccessLogGap[];
  /** Accounts whose trail records the caller's copy of cross-account S3 data events, until when. */
  requesterDataEventsUntil: Map<string, number>;
}

export interface IncidentContext {
  /** For side effects (e.g. AWS Config re-reading a changed bucket): not part of the label window. */
  readonly sim: Sim;
  readonly rng: Random;
  /** The same stream for every incident: for things they share, like a stolen session. */
  readonly shared: Random;
  /** Emit one of the incident's own requests. */
  evidence(call: ApiCall): void;
  readonly effects: DeliveryEffects;
}

export interface IncidentSpec {
  id: string;
  detector: Detector;
  /** Which of the three incident days. */
  day: 0 | 1 | 2;
  inject(ctx: IncidentContext, dayStart: number): { subject: LabelSubject; description: string };
}

export const INCIDENTS: readonly IncidentSpec[] = [
  ...PRINCIPAL_INCIDENTS,
  ...VOLUME_INCIDENTS,
  ...TRANSPORT_INCIDENTS,
  ...CONFIG_INCIDENTS,
];

/** Start of incident day `slot` (0–2): days 7–9 of a 10-day run; the last days of a shorter one. */
export function incidentDay(start: number, days: number, slot: number): number {
  const first = Math.max(0, days - 3);
  return start + Math.min(first + slot, days - 1) * DAY;
}

export function injectIncidents(
  sim: Sim,
  rng: Random,
  start: number,
  days: number,
  effects: DeliveryEffects,
): SampleLabel[] {
  const labels: SampleLabel[] = [];
  for (const spec of INCIDENTS) {
    let first = Infinity;
    let last = -Infinity;
    const ctx: IncidentContext = {
      sim,
      rng: rng.fork(spec.id),
      shared: rng.fork('shared'),
      effects,
      evidence(call) {
        first = Math.min(first, call.time);
        last = Math.max(last, call.time);
        sim.emit(call);
      },
    };
    const { subject, description } = spec.inject(ctx, incidentDay(start, days, spec.day));
    if (first === Infinity) throw new Error(`incident ${spec.id} emitted no requests`);
    const windowStart = Math.floor(first / MINUTE) * MINUTE;
    const windowEnd = Math.floor(last / MINUTE) * MINUTE + MINUTE;
    labels.push({
      id: spec.id,
      detector: spec.detector,
      subject,
      window: { start: new Date(windowStart).toISOString(), end: new Date(windowEnd).toISOString() },
      description,
    });
  }
  return labels.sort((a, b) => a.window.start.localeCompare(b.window.start) || a.id.localeCompare(b.id));
}
