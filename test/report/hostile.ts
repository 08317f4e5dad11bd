/** Findings whose log-derived strings try to break out of the HTML report. */
import type { Finding } from '../../src/detect/finding.js';

export const IMG = '<img src=x onerror=alert(1)>';
export const SCRIPT = '</script><script>window.pwned=1</script>';
export const MORE = [
  '"><svg onload=alert(2)>',
  "' onmouseover='alert(3)",
  '<!-- </script> -->',
  '\u2028\u2029<script>window.pwned=2</script>',
  'javascript:alert(4)',
  '&lt;b&gt;entity&lt;/b&gt;',
];

const sample = (ua: string, key: string) => ({
  time: '2026-03-10T14:03:27.000Z',
  origin_uri: `s3://logs/${key}`,
  origin_index: 3,
  log_kind: 's3access',
  principal: IMG,
  action: 'GetObject',
  bucket: 'northwind-prod-data',
  object_key: key,
  source_ip: '192.0.2.1',
  user_agent: ua,
  error_code: null,
  http_status: 200,
  tls_version: 'TLSv1.2',
  event_id: null,
  request_id: SCRIPT,
});

export function hostileFindings(): Finding[] {
  const hours = Array.from({ length: 30 }, (_, i) => i);
  return [
    {
      id: 'a1',
      detector: 'volume-spike',
      kind: 'requests',
      severity: 'high',
      title: `Principal request spike ${SCRIPT}`,
      summary: `${IMG} made 1,700 requests; ${SCRIPT} ${MORE.join(' ')}`,
      subject: { principal: IMG, bucket: SCRIPT },
      window: { start: '2026-03-10T14:00:00.000Z', end: '2026-03-10T15:00:00.000Z' },
      observed: { metric: 'requests', requests: 1700, note: IMG },
      baseline: { median: 15, upper: 30, profile: SCRIPT },
      score: 56.7,
      evidence: { count: 1700, samples: [sample(IMG, SCRIPT), sample(SCRIPT, MORE[0]), sample(MORE[3], MORE[1])] },
      attributions: { user_agents: [{ value: IMG, count: 1200 }, { value: SCRIPT, count: 500 }] },
      attack: [{ technique_id: 'T1530', technique_name: 'Data from Cloud Storage' }],
      first_seen: '2026-03-10T14:03:27.000Z',
      last_seen: '2026-03-10T14:55:00.000Z',
      series: {
        metric: 'requests',
        step_ms: 3_600_000,
        points: hours.map((h) => ({
          t: new Date(Date.parse('2026-03-09T14:00:00Z') + h * 3_600_000).toISOString(),
          observed: h === 24 ? 1700 : 10 + (h % 5),
          expected: h < 3 ? null : 12,
          low: h < 3 ? null : 2,
          high: h < 3 ? null : 30,
        })),
      },
    },
    {
      id: 'b2',
      detector: 'insecure-transport',
      kind: 'no-tls',
      severity: 'medium',
      title: 'S3 requests without TLS',
      summary: `${SCRIPT} sent 33 requests without TLS`,
      subject: { principal: SCRIPT, bucket: 'northwind-prod-backups' },
      window: { start: '2026-03-10T00:00:00.000Z', end: '2026-03-11T00:00:00.000Z' },
      observed: { requests: 33 },
      baseline: null,
      score: 4.6,
      evidence: { count: 33, samples: [sample(MORE[2], MORE[4])] },
      attack: [],
      first_seen: '2026-03-10T09:05:00.000Z',
      last_seen: '2026-03-10T14:45:00.000Z',
      series: {
        metric: 'requests',
        step_ms: 3_600_000,
        points: Array.from({ length: 24 }, (_, h) => ({ t: new Date(Date.parse('2026-03-10T00:00:00Z') + h * 3_600_000).toISOString(), observed: h >= 9 && h < 15 ? 5 + h : 0, expected: 0, low: 0, high: 0 })),
      },
    },
    {
      id: 'c3',
      detector: 'unusual-principal',
      kind: 'new-principal',
      severity: 'low',
      title: 'New principal',
      summary: `first seen: ${MORE[5]} ${MORE[4]}`,
      subject: { principal: MORE[1], source_ip: MORE[0] },
      window: { start: '2026-03-10T00:00:00.000Z', end: '2026-03-11T00:00:00.000Z' },
      observed: { requests: 2 },
      baseline: null,
      score: 0.5,
      evidence: { count: 2, samples: [] },
      attack: [],
      first_seen: '2026-03-10T01:00:00.000Z',
      last_seen: '2026-03-10T02:00:00.000Z',
    },
  ];
}
