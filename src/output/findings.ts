/**
 * Finding sinks: NDJSON (machines), OCSF, and a readable table (people at a terminal).
 */
import type { Finding } from '../detect/finding.js';
import { toOcsf } from './ocsf.js';
import { safeText } from './terminal.js';

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

function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}

const shortTime = (iso: string): string => iso.replace(/:00\.000Z$|\.000Z$/, 'Z');

/** A block per finding: severity, detector and window; the subject; the summary, wrapped. */
export function findingsTable(findings: readonly Finding[], width = process.stdout.columns ?? 120): string {
  if (findings.length === 0) return 'No findings.\n';
  const indent = ' '.repeat(10);
  const text = Math.max(40, width - indent.length);
  const blocks = findings.map((f) => {
    const window = f.window.start === f.window.end ? shortTime(f.window.start) : `${shortTime(f.window.start)} … ${shortTime(f.window.end)}`;
    return [
      `${f.severity.toUpperCase().padEnd(9)} ${safeText(`${f.detector}/${f.kind}`)}  ${window}`,
      ...wrap(safeText(who(f)), text, indent),
      ...wrap(safeText(f.summary), text, indent),
    ].join('\n');
  });
  return `${blocks.join('\n\n')}\n\n${findings.length} finding(s)\n`;
}
