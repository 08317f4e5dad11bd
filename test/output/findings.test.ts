import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/detect/finding.js';
import { formatFindings } from '../../src/output/findings.js';
import { safeText } from '../../src/output/terminal.js';

const finding: Finding = {
  id: 'f'.repeat(32),
  detector: 'unusual-principal',
  kind: 'offensive-user-agent',
  severity: 'medium',
  title: 'Offensive user agent',
  summary: 'evil made 3 requests with user agent \u001b[2J\u001b[31mkali\u0007',
  subject: { principal: 'arn:aws:iam::111122223333:user/evil\r\nINJECTED', bucket: 'data' },
  window: { start: '2026-03-10T00:00:00.000Z', end: '2026-03-11T00:00:00.000Z' },
  observed: { requests: 3 },
  baseline: null,
  score: 1,
  evidence: {
    count: 3,
    samples: [
      {
        time: '2026-03-10T01:00:00.000Z', origin_uri: 's3://logs/a', origin_index: 7, log_kind: 's3access', principal: 'evil', action: 'GetObject', bucket: 'data',
        object_key: 'k', source_ip: '203.0.113.9', user_agent: 'kali', error_code: null, http_status: 200, tls_version: 'TLSv1.3', event_id: null, request_id: 'R1',
      },
    ],
  },
  attack: [{ technique_id: 'T1580' }],
  first_seen: '2026-03-10T01:00:00.000Z',
  last_seen: '2026-03-10T02:00:00.000Z',
};

describe('finding sinks', () => {
  it('neutralises terminal control sequences in the table', () => {
    const text = formatFindings([finding], 'table');
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(text).toContain('\\u001b[2J');
    expect(text).toContain('\\u000d\\u000aINJECTED');
    expect(safeText('a\u202eb')).toBe('a\\u202eb');
  });

  it('writes one JSON object per line in NDJSON', () => {
    const lines = formatFindings([finding, finding], 'ndjson').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0])).toEqual(finding);
  });

  it('maps to an OCSF Detection Finding (class 2004)', () => {
    const o = JSON.parse(formatFindings([finding], 'ocsf'));
    expect(o).toMatchObject({ class_uid: 2004, category_uid: 2, type_uid: 200401, severity_id: 3, activity_id: 1 });
    expect(o.finding_info).toMatchObject({ uid: finding.id, title: finding.title, attacks: [{ technique: { uid: 'T1580' } }] });
    expect(o.evidences[0].src_endpoint).toEqual({ ip: '203.0.113.9' });
    expect(o.resources[0]).toMatchObject({ type: 'AWS::S3::Bucket', uid: 'data' });
    expect(o.time).toBe(Date.parse(finding.last_seen));
  });
});
