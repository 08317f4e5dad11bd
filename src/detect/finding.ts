/**
 * The finding shape (DESIGN.md "finding"): one NDJSON line per finding.
 */
import { createHash } from 'node:crypto';

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function minSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) <= severityRank(b) ? a : b;
}

export interface Subject {
  principal?: string;
  bucket?: string;
  source_ip?: string;
  account?: string;
  [key: string]: string | undefined;
}

export interface EvidenceSample {
  time: string | null;
  origin_uri: string | null;
  origin_index: number | null;
  log_kind: string | null;
  principal: string | null;
  action: string | null;
  bucket: string | null;
  object_key: string | null;
  source_ip: string | null;
  user_agent: string | null;
  error_code: string | null;
  http_status: number | null;
  tls_version: string | null;
  event_id: string | null;
  request_id: string | null;
}

export interface Attribution {
  value: string;
  count: number;
}

export interface AttackRef {
  technique_id: string;
  technique_name?: string;
  tactic?: string;
}

/** One point of a finding's series: a window's start, the value observed, the normal band when known. */
export interface SeriesPoint {
  /** Window start, ISO-8601 UTC. */
  t: string;
  observed: number;
  /** The baseline's central value (median) for this window; null without enough history. */
  expected?: number | null;
  /** The normal band [low, high] for this window; null without enough history. */
  low?: number | null;
  high?: number | null;
}

/**
 * The time series behind a volume or transport finding (optional; charts in the HTML report).
 * Findings without it keep their shape: readers must treat it as absent.
 */
export interface FindingSeries {
  /** What each point counts: `requests`, `bytes_out`, `errors`, `deletes` … */
  metric: string;
  /** Width of one point's window in milliseconds (3 600 000 for hourly points). */
  step_ms: number;
  /** Oldest first; windows without events are present with observed 0. */
  points: SeriesPoint[];
}

export interface Finding {
  id: string;
  detector: string;
  /** A sub-kind within the detector (e.g. `new-principal`, `bytes-out`, `public-bucket-policy`). */
  kind: string;
  severity: Severity;
  title: string;
  summary: string;
  subject: Subject;
  window: { start: string; end: string };
  observed: Record<string, number | string | boolean | null>;
  baseline: Record<string, number | string | boolean | null> | null;
  /** How far from normal, detector-specific but comparable within a detector (higher = stranger). */
  score: number;
  evidence: { count: number; samples: EvidenceSample[] };
  /** Top contributors per attribute (principals, source IPs, user agents, error codes, keys). */
  attributions?: Record<string, Attribution[]>;
  attack: AttackRef[];
  first_seen: string;
  last_seen: string;
  /** Values around the window for a chart (volume-spike, insecure-transport); absent elsewhere. */
  series?: FindingSeries;
}

/** Stable id: the same detector, kind, subject and window give the same id on every run. */
export function findingId(detector: string, kind: string, subject: Subject, windowStart: string, windowEnd: string): string {
  const keys = Object.keys(subject).filter((k) => subject[k] !== undefined).sort();
  const canonical = JSON.stringify([detector, kind, keys.map((k) => [k, subject[k]]), windowStart, windowEnd]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    (a.window.start < b.window.start ? -1 : a.window.start > b.window.start ? 1 : 0) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}
