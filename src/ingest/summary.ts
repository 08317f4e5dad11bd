/**
 * Counters for a run: what was read, what was produced, what went wrong (by reason).
 */
import type { ParseIssue } from '../issues.js';
import type { ObjectResult } from './read-object.js';

export class RunSummary {
  objects = 0;
  storedBytes = 0;
  bytes = 0;
  records = 0;
  digests = 0;
  skipped = 0;
  readonly recordsByKind = new Map<string, number>();
  readonly issuesByReason = new Map<string, number>();
  /** The first issues in full, for the report; the rest are only counted. */
  readonly sampleIssues: ParseIssue[] = [];
  readonly startedAt = Date.now();

  constructor(private readonly maxSampleIssues = 100) {}

  addIssue(issue: ParseIssue): void {
    this.issuesByReason.set(issue.reason, (this.issuesByReason.get(issue.reason) ?? 0) + 1);
    if (this.sampleIssues.length < this.maxSampleIssues) this.sampleIssues.push(issue);
  }

  addObject(r: ObjectResult): void {
    this.objects++;
    this.storedBytes += r.storedBytes;
    this.bytes += r.bytes;
    this.records += r.records;
    this.digests += r.digests;
    this.skipped += r.skipped;
    if (r.kind) this.recordsByKind.set(r.kind, (this.recordsByKind.get(r.kind) ?? 0) + r.records);
  }

  get issueCount(): number {
    let n = 0;
    for (const v of this.issuesByReason.values()) n += v;
    return n;
  }

  get elapsedMs(): number {
    return Date.now() - this.startedAt;
  }

  toJSON(): Record<string, unknown> {
    const seconds = Math.max(this.elapsedMs, 1) / 1000;
    return {
      objects: this.objects,
      stored_bytes: this.storedBytes,
      bytes: this.bytes,
      records: this.records,
      records_by_kind: Object.fromEntries(this.recordsByKind),
      digests_skipped: this.digests,
      non_events_skipped: this.skipped,
      issues: this.issueCount,
      issues_by_reason: Object.fromEntries(this.issuesByReason),
      duration_ms: this.elapsedMs,
      records_per_second: Math.round(this.records / seconds),
      mb_per_second: Math.round((this.bytes / 1e6 / seconds) * 10) / 10,
    };
  }
}
