/**
 * Delivery gaps per S3 stream: the hours (days for access logs partitioned by event day, whose
 * keys carry no hour) in which no log object was delivered, between the window's bounds or
 * the first and last object seen. A gap in a trail that delivers every few minutes means lost
 * logging (a stopped trail, a broken bucket policy) or logs not yet delivered.
 */
import type { DiscoveredStream } from './s3-discover.js';
import { looksEventTime, streamId } from './s3-layouts.js';
import type { TimeWindow } from './s3-time.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

export interface GapRange {
  from: string;
  /** Exclusive end. */
  to: string;
  units: number;
}

export interface StreamGaps {
  stream: string;
  layout: string;
  unit: 'hour' | 'day';
  objects: number;
  first: string | null;
  last: string | null;
  missing_units: number;
  gaps: GapRange[];
}

interface Tally {
  stream: DiscoveredStream;
  objects: number;
  slots: Set<number>;
  eventTime: boolean;
  min: number;
  max: number;
}

export class GapCollector {
  private readonly tallies = new Map<string, Tally>();

  constructor(private readonly window: TimeWindow = {}) {}

  /** For S3SourceOptions.onListed. */
  readonly add = (stream: DiscoveredStream, key: string, time: number | undefined): void => {
    if (time === undefined) return;
    const id = streamId({ bucket: stream.bucket, root: stream.within });
    let t = this.tallies.get(id);
    if (!t) {
      t = { stream, objects: 0, slots: new Set(), eventTime: true, min: Infinity, max: -Infinity };
      this.tallies.set(id, t);
    }
    t.objects++;
    t.slots.add(time);
    t.min = Math.min(t.min, time);
    t.max = Math.max(t.max, time);
    if (stream.layout !== 'access-partitioned' || !looksEventTime(stream, key)) t.eventTime = false;
  };

  /** Streams registered before listing, so a stream with no object at all is reported too. */
  declare(stream: DiscoveredStream): void {
    const id = streamId({ bucket: stream.bucket, root: stream.within });
    if (!this.tallies.has(id)) this.tallies.set(id, { stream, objects: 0, slots: new Set(), eventTime: stream.layout === 'access-partitioned', min: Infinity, max: -Infinity });
  }

  result(): StreamGaps[] {
    const out: StreamGaps[] = [];
    for (const [id, t] of [...this.tallies].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      if (t.stream.layout === 'plain') continue;
      const unit = t.eventTime ? DAY : HOUR;
      const floor = (x: number): number => Math.floor(x / unit) * unit;
      const from = this.window.since !== undefined ? floor(this.window.since) : t.objects ? floor(t.min) : undefined;
      const to = this.window.until !== undefined ? Math.ceil(this.window.until / unit) * unit : t.objects ? floor(t.max) + unit : undefined;
      const filled = new Set([...t.slots].map(floor));
      const gaps: GapRange[] = [];
      if (from !== undefined && to !== undefined) {
        let start: number | undefined;
        for (let s = from; s <= to; s += unit) {
          const hole = s < to && !filled.has(s);
          if (hole && start === undefined) start = s;
          if (!hole && start !== undefined) {
            gaps.push({ from: new Date(start).toISOString(), to: new Date(s).toISOString(), units: (s - start) / unit });
            start = undefined;
          }
        }
      }
      out.push({
        stream: id,
        layout: t.stream.layout + (t.eventTime && t.stream.layout === 'access-partitioned' ? ' (event time)' : ''),
        unit: t.eventTime ? 'day' : 'hour',
        objects: t.objects,
        first: t.objects ? new Date(t.min).toISOString() : null,
        last: t.objects ? new Date(t.max).toISOString() : null,
        missing_units: gaps.reduce((n, g) => n + g.units, 0),
        gaps,
      });
    }
    return out;
  }
}
