/**
 * Parse issues: bad input is counted and reported with where it was found, never dropped silently.
 */
export const ISSUE_REASONS = [
  'malformed_json',
  'malformed_line',
  'invalid_utf8',
  'line_too_long',
  'record_too_large',
  'missing_event_time',
  'invalid_event_time',
  'truncated_gzip',
  'corrupt_gzip',
  'decompressed_size_exceeded',
  'binary_data',
  'empty_file',
  'unknown_format',
  'read_error',
] as const;

export type IssueReason = (typeof ISSUE_REASONS)[number];

export interface ParseIssue {
  /** The log object (file path, s3:// URI or `-` for stdin). */
  uri: string;
  /** 1-based line number for line-oriented input (access logs, NDJSON). */
  line?: number;
  /** 0-based index of the record inside a `Records` array or JSON array. */
  record?: number;
  reason: IssueReason;
  /** Human-readable detail; never contains more than a short excerpt of the input. */
  message: string;
}

export function formatIssue(i: ParseIssue): string {
  const where = i.line !== undefined ? `:${i.line}` : i.record !== undefined ? ` record ${i.record}` : '';
  return `${i.uri}${where}: ${i.reason}: ${i.message}`;
}

/** A short, printable excerpt of hostile input for an issue message. */
export function excerpt(bytes: Uint8Array, start: number, end: number, max = 80): string {
  const n = Math.min(end - start, max);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, n).toString('utf8');
  // eslint-disable-next-line no-control-regex
  return JSON.stringify(text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')) + (end - start > max ? '…' : '');
}
