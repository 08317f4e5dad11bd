/**
 * OCSF Detection Finding (class_uid 2004) for `--format ocsf`.
 */
import type { Finding, Severity } from '../detect/finding.js';

const SEVERITY_ID: Record<Severity, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };
const SEVERITY_NAME: Record<Severity, string> = { info: 'Informational', low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };

export const PRODUCT = { name: 'trailhound', vendor_name: 'trailhound', version: '0.1.0' };

export function toOcsf(f: Finding): Record<string, unknown> {
  const t = (iso: string): number => Date.parse(iso);
  return {
    class_uid: 2004,
    class_name: 'Detection Finding',
    category_uid: 2,
    category_name: 'Findings',
    activity_id: 1,
    activity_name: 'Create',
    type_uid: 200401,
    type_name: 'Detection Finding: Create',
    time: t(f.last_seen),
    severity_id: SEVERITY_ID[f.severity],
    severity: SEVERITY_NAME[f.severity],
    status_id: 1,
    status: 'New',
    message: f.summary,
    metadata: { version: '1.1.0', product: PRODUCT, uid: f.id },
    finding_info: {
      uid: f.id,
      title: f.title,
      desc: f.summary,
      types: [`${f.detector}/${f.kind}`],
      first_seen_time: t(f.first_seen),
      last_seen_time: t(f.last_seen),
      analytic: { uid: f.detector, name: f.detector, type_id: 1, type: 'Rule' },
      attacks: f.attack.map((a) => ({
        technique: { uid: a.technique_id, ...(a.technique_name ? { name: a.technique_name } : {}) },
        ...(a.tactic ? { tactic: { name: a.tactic } } : {}),
      })),
    },
    resources: f.subject.bucket ? [{ type: 'AWS::S3::Bucket', uid: f.subject.bucket, name: f.subject.bucket }] : [],
    actor: f.subject.principal ? { user: { uid: f.subject.principal, name: f.subject.principal, ...(f.subject.account ? { account: { uid: f.subject.account } } : {}) } } : undefined,
    evidences: f.evidence.samples.map((s) => ({
      api: s.action ? { operation: s.action, ...(s.request_id ? { request: { uid: s.request_id } } : {}) } : undefined,
      src_endpoint: s.source_ip ? { ip: s.source_ip } : undefined,
      actor: s.principal ? { user: { uid: s.principal } } : undefined,
      data: { time: s.time, origin_uri: s.origin_uri, origin_index: s.origin_index, bucket: s.bucket, object_key: s.object_key, user_agent: s.user_agent, error_code: s.error_code },
    })),
    risk_score: Math.round(f.score * 100) / 100,
    unmapped: { window: f.window, observed: f.observed, baseline: f.baseline, evidence_count: f.evidence.count, attributions: f.attributions },
  };
}
