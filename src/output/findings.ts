/**
 * Finding sinks: NDJSON (machines), OCSF, and a readable table (people at a terminal).
 */
import type { Finding } from '../detect/finding.js';
import { toOcsf } from './ocsf.js';
import { renderTable } from './terminal.js';

export type FindingFormat = 'table' | 'ndjson' | 'ocsf';

export function formatFindings(findings: readonly Finding[], format: FindingFormat): string {
  switch (format) {
    case 'ndjson':
      return findings.map((f) => `${JSON.stringify(f)}\n`).join('');
    case 'ocsf':
      return findings.map((f) => `${JSON.stringify(toOcsf(f))}\n`).join('');
    case 'table':
      return findingsTable(findings);
  }
}

function who(f: Finding): string {
  const parts = [f.subject.principal, f.subject.bucket && `bucket ${f.subject.bucket}`, f.subject.source_ip && `ip ${f.subject.source_ip}`];
  return parts.filter(Boolean).join(' · ');
}

export function findingsTable(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'No findings.\n';
  const rows = findings.map((f) => [f.severity.toUpperCase(), `${f.detector}/${f.kind}`, f.window.start.replace(/:00\.000Z$|\.000Z$/, 'Z'), who(f), f.summary]);
  return `${renderTable(['SEVERITY', 'DETECTOR', 'WINDOW', 'SUBJECT', 'SUMMARY'], rows, 110)}\n\n${findings.length} finding(s)\n`;
}
