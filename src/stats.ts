/**
 * `trailhound stats`: what is in these logs — records per log kind, time range, top principals,
 * actions, buckets and source IPs. Bounded memory: top-k counters, never a row copy.
 */
import type { RecordBatch } from 'apache-arrow';
import { TopK } from './aggregate/top-k.js';
import { column, dictColumn, timeColumn } from './arrow/read.js';
import { C } from './schema.js';

export interface LogStats {
  records: number;
  recordsByKind: Record<string, number>;
  timeRange: { first: string | null; last: string | null };
  recordsWithoutTime: number;
  top: Record<'principals' | 'actions' | 'buckets' | 'source_ips', { key: string; count: number }[]>;
}

export class StatsCollector {
  private records = 0;
  private noTime = 0;
  private first = Infinity;
  private last = -Infinity;
  private readonly kinds = new Map<string, number>();
  private readonly principals = new TopK();
  private readonly actions = new TopK();
  private readonly buckets = new TopK();
  private readonly sourceIps = new TopK();

  add(batch: RecordBatch): void {
    const n = batch.numRows;
    this.records += n;
    const times = timeColumn(batch, C.time);
    for (let i = 0; i < n; i++) {
      const t = times[i];
      if (Number.isNaN(t)) this.noTime++;
      else {
        if (t < this.first) this.first = t;
        if (t > this.last) this.last = t;
      }
    }
    this.countDict(batch, C.log_kind, (k, c) => this.kinds.set(k, (this.kinds.get(k) ?? 0) + c));
    this.countDict(batch, C.principal, (k, c) => this.principals.add(k, c));
    this.countDict(batch, C.action, (k, c) => this.actions.add(k, c));
    this.countDict(batch, C.bucket, (k, c) => this.buckets.add(k, c));
    const ip = column<string>(batch, C.source_ip);
    for (let i = 0; i < n; i++) {
      const v = ip(i);
      if (v !== null) this.sourceIps.add(v);
    }
  }

  private countDict(batch: RecordBatch, name: Parameters<typeof dictColumn>[1], add: (key: string, count: number) => void): void {
    const col = dictColumn(batch, name);
    const counts = new Int32Array(col.values.length);
    for (let i = 0; i < batch.numRows; i++) if (col.valid(i)) counts[col.indices[i]]++;
    for (let d = 0; d < counts.length; d++) if (counts[d] > 0) add(col.values[d], counts[d]);
  }

  result(topN = 10): LogStats {
    const iso = (t: number): string | null => (Number.isFinite(t) ? new Date(t).toISOString() : null);
    return {
      records: this.records,
      recordsByKind: Object.fromEntries([...this.kinds.entries()].sort()),
      timeRange: { first: iso(this.first), last: iso(this.last) },
      recordsWithoutTime: this.noTime,
      top: {
        principals: this.principals.top(topN),
        actions: this.actions.top(topN),
        buckets: this.buckets.top(topN),
        source_ips: this.sourceIps.top(topN),
      },
    };
  }
}
