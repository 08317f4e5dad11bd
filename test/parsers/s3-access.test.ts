import { describe, expect, it } from 'vitest';
import { EventBatchBuilder } from '../../src/arrow/batch-builder.js';
import type { ParseIssue } from '../../src/issues.js';
import { s3AccessParser } from '../../parsers/s3-access.js';
import { describeOperation, KNOWN_OPERATIONS } from '../../parsers/s3-operations.js';
import { MAX_LINE_BYTES, type ObjectCounters } from '../../parsers/types.js';
import { parseBytes } from '../helpers/parse.js';

const OWNER = '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be';

/** A 27-field line in AWS's own shape; `over` replaces fields by 1-based position (FORMATS.md §1.2). */
function salLine(over: Record<number, string> = {}, fields = 27): string {
  const f = [
    OWNER,
    'amzn-s3-demo-bucket1',
    '[06/Feb/2019:00:00:38 +0000]',
    '192.0.2.3',
    'arn:aws:sts::123456789012:assumed-role/Reader/session-1',
    '3E57427F3EXAMPLE',
    'REST.GET.OBJECT',
    'photos/cat.jpg',
    '"GET /amzn-s3-demo-bucket1/photos/cat.jpg HTTP/1.1"',
    '200',
    '-',
    '113',
    '4406583',
    '7',
    '5',
    '"-"',
    '"S3Console/0.4"',
    '-',
    's9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234=',
    'SigV4',
    'ECDHE-RSA-AES128-GCM-SHA256',
    'AuthHeader',
    'amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com',
    'TLSv1.2',
    '-',
    'Yes',
    'us-east-1',
  ];
  for (const [k, v] of Object.entries(over)) f[Number(k) - 1] = v;
  return f.slice(0, fields).join(' ');
}

const bytes = (s: string | Buffer): Buffer => (typeof s === 'string' ? Buffer.from(s, 'utf8') : s);
const parse = (s: string | Buffer, opts: { chunkSize?: number; batchRows?: number } = {}) => parseBytes(s3AccessParser, bytes(s), opts);

/** Feed chunks of the given sizes (cycled) and collect rows, issues and batches. */
function parseInChunks(data: Buffer, sizes: number[]) {
  const pieces: Buffer[] = [];
  for (let i = 0, k = 0; i < data.length; k++) {
    const n = Math.max(1, sizes[k % sizes.length]);
    pieces.push(data.subarray(i, Math.min(data.length, i + n)));
    i += n;
  }
  return runPieces(pieces);
}

function runPieces(pieces: Uint8Array[]) {
  const builder = new EventBatchBuilder();
  const issues: ParseIssue[] = [];
  const counters: ObjectCounters = { records: 0, digests: 0, skipped: 0 };
  const rows: Record<string, unknown>[] = [];
  const collect = (): void => {
    const batch = builder.flush();
    for (let i = 0; i < batch.numRows; i++) rows.push(batch.get(i)!.toJSON() as Record<string, unknown>);
  };
  const p = s3AccessParser.create({ uri: 'test://chunks', builder, emitBatch: () => undefined, issue: (i) => issues.push(i), counters });
  for (const piece of pieces) p.push(piece);
  p.end();
  if (!builder.isEmpty) collect();
  return { rows, issues, counters };
}

describe('s3AccessParser: a well-formed line', () => {
  it('maps every field of the current 27-field format', () => {
    const { rows, issues, counters } = parse(salLine() + '\n');
    expect(issues).toEqual([]);
    expect(counters.records).toBe(1);
    expect(rows[0]).toMatchObject({
      time: Date.UTC(2019, 1, 6, 0, 0, 38),
      log_kind: 's3access',
      event_source: 's3.amazonaws.com',
      action: 'GetObject',
      operation: 'REST.GET.OBJECT',
      principal: 'arn:aws:iam::123456789012:role/Reader',
      principal_type: 'AssumedRole',
      principal_arn: 'arn:aws:sts::123456789012:assumed-role/Reader/session-1',
      session_name: 'session-1',
      principal_account: '123456789012',
      source_ip: '192.0.2.3',
      user_agent: 'S3Console/0.4',
      bucket: 'amzn-s3-demo-bucket1',
      object_key: 'photos/cat.jpg',
      owner_account: OWNER,
      http_status: 200,
      error_code: null,
      bytes_out: 113,
      object_size: 4406583,
      total_time_ms: 7,
      tls_version: 'TLSv1.2',
      cipher_suite: 'ECDHE-RSA-AES128-GCM-SHA256',
      signature_version: 'SigV4',
      auth_type: 'AuthHeader',
      request_id: '3E57427F3EXAMPLE',
      host_id: 's9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234=',
      read_only: true,
      origin_uri: 'test://object',
      origin_index: 1,
      region: null,
      event_id: null,
      event_type: null,
      request_parameters: null,
      bytes_in: null,
      access_key_id: null,
      invoked_by: null,
      vpc_endpoint_id: null,
    });
  });

  it('accepts every field count from 18 to 27; absent fields are null', () => {
    for (let n = 18; n <= 27; n++) {
      const { rows, issues } = parse(salLine({}, n));
      expect(issues, `${n} fields`).toEqual([]);
      const r = rows[0];
      expect(r.host_id === null, `${n}: host_id`).toBe(n < 19);
      expect(r.signature_version === null, `${n}: signature_version`).toBe(n < 20);
      expect(r.cipher_suite === null, `${n}: cipher_suite`).toBe(n < 21);
      expect(r.auth_type === null, `${n}: auth_type`).toBe(n < 22);
      expect(r.tls_version === null, `${n}: tls_version`).toBe(n < 24);
      expect(r.user_agent).toBe('S3Console/0.4');
    }
  });

  it('ignores unknown trailing fields, quoted or not', () => {
    const { rows, issues } = parse(`${salLine()} future-field "quoted future" x\n`);
    expect(issues).toEqual([]);
    expect(rows[0].tls_version).toBe('TLSv1.2');
  });

  it('treats - and "-" alike as null, except Bytes Sent where - means zero', () => {
    const line = salLine({ 4: '"-"', 5: '-', 8: '-', 10: '-', 11: '"-"', 12: '-', 13: '-', 14: '"-"', 16: '-', 17: '"-"', 19: '-', 20: '"-"', 21: '-', 22: '-', 24: '-' });
    const { rows, issues } = parse(line);
    expect(issues).toEqual([]);
    expect(rows[0]).toMatchObject({
      source_ip: null,
      principal: 'anonymous',
      principal_type: 'Anonymous',
      principal_arn: null,
      object_key: null,
      http_status: null,
      error_code: null,
      bytes_out: 0,
      object_size: null,
      total_time_ms: null,
      user_agent: null,
      host_id: null,
      signature_version: null,
      cipher_suite: null,
      auth_type: null,
      tls_version: null,
    });
  });

  it('keeps an empty quoted user agent as an empty string', () => {
    expect(parse(salLine({ 17: '""' })).rows[0].user_agent).toBe('');
  });

  it('stores TLS versions in canonical case', () => {
    for (const [raw, want] of [['TLSV1.2', 'TLSv1.2'], ['tlsv1.3', 'TLSv1.3'], ['TLSv1.1', 'TLSv1.1'], ['TLSV1', 'TLSv1'], ['SSLv3', 'SSLv3']]) {
      expect(parse(salLine({ 24: raw })).rows[0].tls_version).toBe(want);
    }
  });

  it('URL-decodes the key and keeps it raw when decoding fails', () => {
    const cases: [string, string][] = [
      ['a%20b%2Fc.txt', 'a b/c.txt'],
      ['caf%C3%A9', 'café'],
      ['%2522', '%22'],
      ['bad%zz', 'bad%zz'],
      ['cut%2', 'cut%2'],
      ['lone%FF', 'lone%FF'],
      ['surrogate%ED%A0%80', 'surrogate%ED%A0%80'],
      ['plain+plus', 'plain+plus'],
      ['déjà%20vu', 'déjà vu'],
    ];
    for (const [raw, want] of cases) {
      expect(parse(salLine({ 8: raw })).rows[0].object_key, raw).toBe(want);
      expect(want, raw).toBe(safeDecode(raw));
    }
  });

  it('parses any time zone offset to UTC from the bytes', () => {
    const at = (t: string) => parse(salLine({ 3: `[${t}]` })).rows[0].time;
    expect(at('06/Feb/2019:00:00:38 -0700')).toBe(Date.UTC(2019, 1, 6, 7, 0, 38));
    expect(at('06/Feb/2019:00:00:38 +0530')).toBe(Date.UTC(2019, 1, 5, 18, 30, 38));
    expect(at('29/Feb/2024:23:59:59 +0000')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59));
    expect(at('31/Dec/1969:23:59:59 +0000')).toBe(-1000);
    expect(at('01/jan/2020:00:00:00 +0000')).toBe(Date.UTC(2020, 0, 1));
  });

  it('rejects impossible times as malformed lines', () => {
    for (const t of ['29/Feb/2023:00:00:00 +0000', '06/Foo/2019:00:00:38 +0000', '06/Feb/2019:24:00:00 +0000', '06/Feb/2019:00:00:38 0000', '6/Feb/2019:00:00:38 +0000']) {
      const { rows, issues } = parse(salLine({ 3: `[${t}]` }));
      expect(rows, t).toEqual([]);
      expect(issues.map((i) => i.reason), t).toEqual(['malformed_line']);
    }
  });

  it('reuses the previous time only when the bytes are identical', () => {
    const lines = [salLine(), salLine(), salLine({ 3: '[06/Feb/2019:00:00:38 +0100]' }), salLine({ 3: '[06/Feb/2019:00:00:39 +0100]' })];
    const times = parse(lines.join('\n')).rows.map((r) => r.time);
    const base = Date.UTC(2019, 1, 6, 0, 0, 38);
    expect(times).toEqual([base, base, base - 3600_000, base - 3599_000]);
  });
});

describe('s3AccessParser: hostile but valid lines (FORMATS.md §1.4)', () => {
  it('finds the closing quote of a request-URI that contains quotes', () => {
    const uri = '"GET /x?response-content-disposition=attachment;%20filename="a b.json"&X-Amz-Signature=ab HTTP/1.1"';
    const { rows, issues } = parse(salLine({ 9: uri, 22: 'QueryString' }));
    expect(issues).toEqual([]);
    expect(rows[0]).toMatchObject({ http_status: 200, auth_type: 'QueryString', user_agent: 'S3Console/0.4' });
  });

  it('finds the closing quote of a referer and user agent that contain `" `', () => {
    const { rows, issues } = parse(salLine({ 16: '"https://x/?q="a" b"', 17: '"curl "7.1" (x86_64) " libcurl"' }));
    expect(issues).toEqual([]);
    expect(rows[0]).toMatchObject({ user_agent: 'curl "7.1" (x86_64) " libcurl', signature_version: 'SigV4', tls_version: 'TLSv1.2' });
  });

  it('keeps a user agent that starts with a doubled quote or ends with one', () => {
    expect(parse(salLine({ 17: '""Mozilla/5.0 Safari/537.36"' })).rows[0].user_agent).toBe('"Mozilla/5.0 Safari/537.36');
    expect(parse(salLine({ 17: '"Mozilla/5.0 Safari/604.1""' })).rows[0].user_agent).toBe('Mozilla/5.0 Safari/604.1"');
  });

  it('does not let a user agent that imitates trailing fields shift them (18-field line)', () => {
    const { rows, issues } = parse(salLine({ 17: '"evil" x"' }, 18));
    expect(issues).toEqual([]);
    expect(rows[0].user_agent).toBe('evil" x');
  });

  it('reads a doubled space as one separator, not as an empty field', () => {
    const line = salLine().replace('192.0.2.3 arn:', '192.0.2.3  arn:').replace(' 200 - ', '  200  -  ');
    const { rows, issues } = parse(line);
    expect(issues).toEqual([]);
    expect(rows[0]).toMatchObject({ source_ip: '192.0.2.3', principal_type: 'AssumedRole', request_id: '3E57427F3EXAMPLE', http_status: 200 });
  });

  it('keeps a CloudFront Origin Access Identity requester (it contains spaces) in one field', () => {
    const oai = 'arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2EXAMPLEID';
    const { rows, issues } = parse(salLine({ 5: oai }));
    expect(issues).toEqual([]);
    expect(rows[0]).toMatchObject({ principal_arn: oai, principal: oai, request_id: '3E57427F3EXAMPLE', operation: 'REST.GET.OBJECT' });
  });

  it('trims CRLF and trailing whitespace, and skips blank lines without counting them as records', () => {
    const text = `\r\n${salLine()} \t\r\n\n   \n${salLine({ 6: 'SECOND' })}\r\n`;
    const { rows, issues, counters } = parse(text);
    expect(issues).toEqual([]);
    expect(counters.records).toBe(2);
    expect(rows.map((r) => [r.origin_index, r.request_id, r.tls_version])).toEqual([
      [2, '3E57427F3EXAMPLE', 'TLSv1.2'],
      [5, 'SECOND', 'TLSv1.2'],
    ]);
  });

  it('parses a last line without a trailing newline at end()', () => {
    const { rows } = parse(`${salLine()}\n${salLine({ 6: 'LAST' })}`, { chunkSize: 10 });
    expect(rows.map((r) => r.request_id)).toEqual(['3E57427F3EXAMPLE', 'LAST']);
  });
});

describe('s3AccessParser: operations and principals', () => {
  it('maps operations to API actions and read-only', () => {
    const want: [string, string, boolean | null][] = [
      ['REST.GET.OBJECT', 'GetObject', true],
      ['REST.PUT.OBJECT', 'PutObject', false],
      ['REST.DELETE.OBJECT', 'DeleteObject', false],
      ['REST.POST.MULTI_OBJECT_DELETE', 'DeleteObjects', false],
      ['BATCH.DELETE.OBJECT', 'DeleteObjects', false],
      ['REST.GET.BUCKET', 'ListObjects', true],
      ['REST.HEAD.OBJECT', 'HeadObject', true],
      ['REST.HEAD.BUCKET', 'HeadBucket', true],
      ['REST.COPY.OBJECT', 'CopyObject', false],
      ['REST.COPY.OBJECT_GET', 'CopyObject', false],
      ['REST.GET.BUCKETPOLICY', 'GetBucketPolicy', true],
      ['REST.PUT.BUCKETPOLICY', 'PutBucketPolicy', false],
      ['REST.DELETE.BUCKETPOLICY', 'DeleteBucketPolicy', false],
      ['REST.PUT.PUBLIC_ACCESS_BLOCK', 'PutBucketPublicAccessBlock', false],
      ['REST.DELETE.ENCRYPTION', 'DeleteBucketEncryption', false],
      ['REST.PUT.LOGGING_STATUS', 'PutBucketLogging', false],
      ['REST.PUT.VERSIONING', 'PutBucketVersioning', false],
      ['REST.PUT.LIFECYCLE', 'PutBucketLifecycle', false],
      ['REST.POST.UPLOADS', 'CreateMultipartUpload', false],
      ['REST.PUT.PART', 'UploadPart', false],
      ['REST.POST.UPLOAD', 'CompleteMultipartUpload', false],
      ['REST.DELETE.UPLOAD', 'AbortMultipartUpload', false],
      ['REST.GET.BUCKETVERSIONS', 'ListObjectVersions', true],
      ['REST.GET.SERVICE', 'ListBuckets', true],
      ['REST.GET.LOCATION', 'GetBucketLocation', true],
      ['WEBSITE.GET.OBJECT', 'GetObject', true],
      ['REST.GET.SOMETHING_NEW', 'REST.GET.SOMETHING_NEW', true],
      ['REST.PATCH.SOMETHING_NEW', 'REST.PATCH.SOMETHING_NEW', null],
      ['SOAP.CreateBucket', 'SOAP.CreateBucket', null],
    ];
    for (const [op, action, readOnly] of want) {
      const r = parse(salLine({ 7: op })).rows[0];
      expect([r.action, r.operation, r.read_only], op).toEqual([action, op, readOnly]);
    }
  });

  it('names ACL actions by whether a key is present', () => {
    expect(parse(salLine({ 7: 'REST.GET.ACL' })).rows[0].action).toBe('GetObjectAcl');
    expect(parse(salLine({ 7: 'REST.GET.ACL', 8: '-' })).rows[0].action).toBe('GetBucketAcl');
    expect(parse(salLine({ 7: 'REST.PUT.ACL', 8: '-' })).rows[0].action).toBe('PutBucketAcl');
  });

  it('has an action for every operation in its table', () => {
    for (const op of KNOWN_OPERATIONS) {
      const info = describeOperation(op);
      expect(info.action.length, op).toBeGreaterThan(0);
      expect(info.readOnly, op).not.toBeNull();
      expect(info.internal, op).toBe(op.startsWith('S3.'));
    }
  });

  it('attributes S3 lifecycle operations to AmazonS3 whatever the requester says', () => {
    for (const requester of ['AmazonS3', '-', 'arn:aws:iam::123456789012:user/mallory']) {
      const r = parse(salLine({ 5: requester, 7: 'S3.EXPIRE.OBJECT', 4: '-' })).rows[0];
      expect(r, requester).toMatchObject({ principal: 'AmazonS3', principal_type: 'AWSService', principal_arn: null, session_name: null, principal_account: null, action: 'S3.EXPIRE.OBJECT', read_only: false, source_ip: null });
    }
    expect(parse(salLine({ 7: 'S3.TRANSITION_SIA.OBJECT' })).rows[0].principal).toBe('AmazonS3');
  });

  it('normalises requesters like CloudTrail principals', () => {
    const cases: [string, Record<string, unknown>][] = [
      ['arn:aws:iam::123456789012:user/alice', { principal: 'arn:aws:iam::123456789012:user/alice', principal_type: 'IAMUser', session_name: null }],
      [OWNER, { principal: OWNER, principal_type: 'CanonicalUser', principal_arn: null }],
      ['svc:logging.s3.amazonaws.com', { principal: 'logging.s3.amazonaws.com', principal_type: 'AWSService' }],
      ['arn:aws:sts::123456789012:assumed-role/Admin/bob@example.com', { principal: 'arn:aws:iam::123456789012:role/Admin', session_name: 'bob@example.com' }],
      ['arn:aws:sts::123456789012:assumed-role/Admin/jörg', { session_name: 'jörg' }],
    ];
    for (const [requester, want] of cases) expect(parse(salLine({ 5: requester })).rows[0], requester).toMatchObject(want);
  });
});

describe('s3AccessParser: bad input becomes issues, and the run goes on', () => {
  it('reports a line with fewer than 18 fields as malformed, with its line number and an excerpt', () => {
    const { rows, issues } = parse(`${salLine()}\n${salLine({}, 17)}\n${salLine({ 6: 'THIRD' })}\n`);
    expect(rows.map((r) => r.origin_index)).toEqual([1, 3]);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ uri: 'test://object', line: 2, reason: 'malformed_line' });
    expect(issues[0].message).toContain('fewer than 18 fields');
    expect(issues[0].message).toContain('79a59df9');
    expect(issues[0].message.length).toBeLessThan(200);
  });

  it('reports lines that fail validation as malformed', () => {
    const bad = [
      salLine({ 10: '2000' }),
      salLine({ 10: 'OK' }),
      salLine({ 12: '12k' }),
      salLine({ 20: 'SigV5' }),
      salLine({ 22: 'Cookie' }),
      salLine({ 9: 'GET' }),
      salLine({ 9: '"GET / HTTP/1.1' }),
      salLine({ 3: '06/Feb/2019:00:00:38' }),
      salLine({ 19: 'host"id' }),
    ];
    const { rows, issues } = parse(bad.join('\n'));
    expect(rows).toEqual([]);
    expect(issues.map((i) => [i.line, i.reason])).toEqual(bad.map((_, k) => [k + 1, 'malformed_line']));
  });

  it('reports binary garbage and NUL bytes as malformed lines', () => {
    const garbage = Buffer.concat([
      Buffer.from([0, 1, 2, 0xff, 0x20, 0x22, 0x5b, 0x0d]),
      Buffer.from('\n' + salLine().replace(' 200 ', '\u0000200 ') + '\n'),
      Buffer.from(salLine().slice(0, 200) + '\n' + salLine()),
    ]);
    const { rows, issues } = parse(garbage);
    expect(rows.map((r) => r.origin_index)).toEqual([4]);
    expect(issues.map((i) => [i.line, i.reason])).toEqual([
      [1, 'malformed_line'],
      [2, 'malformed_line'],
      [3, 'malformed_line'],
    ]);
    expect(issues[0].message).not.toMatch(/[\u0000-\u001f]/);
  });

  it('parses a line with invalid UTF-8, replacing bad bytes with U+FFFD, and reports it', () => {
    const line = Buffer.from(salLine({ 17: '"agent-X"', 8: 'key-X' }));
    const withBadBytes = Buffer.from(line.toString('latin1').replace('agent-X', 'agent-\u00ff').replace('key-X', 'key-\u00c3'), 'latin1');
    const data = Buffer.concat([Buffer.from(salLine() + '\n'), withBadBytes, Buffer.from('\n' + salLine())]);
    for (const chunkSize of [data.length, 7, 1]) {
      const { rows, issues } = parse(data, { chunkSize });
      expect(rows.map((r) => r.user_agent)).toEqual(['S3Console/0.4', 'agent-\ufffd', 'S3Console/0.4']);
      expect(rows[1].object_key).toBe('key-\ufffd');
      expect(issues.map((i) => [i.line, i.reason])).toEqual([[2, 'invalid_utf8']]);
    }
  });

  it('reports a line longer than MAX_LINE_BYTES once, skips it without buffering it, and keeps the line count', () => {
    const long = 'x'.repeat(MAX_LINE_BYTES + 1);
    const data = Buffer.from(`${salLine()}\n${long}\n${salLine({ 6: 'AFTER' })}\n${long}${long}`);
    for (const chunkSize of [data.length, 65_536, 1_000_003]) {
      const builder = new EventBatchBuilder();
      const issues: ParseIssue[] = [];
      const p = s3AccessParser.create({ uri: 'u', builder, emitBatch: () => undefined, issue: (i) => issues.push(i), counters: { records: 0, digests: 0, skipped: 0 } });
      let maxPending = 0;
      for (let i = 0; i < data.length; i += chunkSize) {
        p.push(data.subarray(i, i + chunkSize));
        maxPending = Math.max(maxPending, (p as unknown as { pending: Uint8Array }).pending.length);
      }
      p.end();
      expect(issues.map((i) => [i.line, i.reason]), `chunk ${chunkSize}`).toEqual([
        [2, 'line_too_long'],
        [4, 'line_too_long'],
      ]);
      const batch = builder.flush();
      expect(batch.getChild('origin_index')!.toArray()).toEqual(Int32Array.from([1, 3]));
      expect(maxPending).toBeLessThanOrEqual(MAX_LINE_BYTES);
    }
  });

  it('accepts a line of exactly MAX_LINE_BYTES', () => {
    const base = salLine({ 17: '""' });
    const agent = 'a'.repeat(MAX_LINE_BYTES - Buffer.byteLength(base));
    const line = salLine({ 17: `"${agent}"` });
    expect(Buffer.byteLength(line)).toBe(MAX_LINE_BYTES);
    const { rows, issues } = parse(line + '\n', { chunkSize: 100_000 });
    expect(issues).toEqual([]);
    expect((rows[0].user_agent as string).length).toBe(agent.length);
  });

  it('gives up on a line with too many ways to close its quoted fields (bounded work), and says why', () => {
    const many = '"x" '.repeat(20_000);
    const { rows, issues } = parse(salLine({ 16: `"${many}"`, 17: `"${many}"` }));
    expect(rows).toEqual([]);
    expect(issues).toHaveLength(1);
    expect(issues[0].reason).toBe('malformed_line');
    expect(issues[0].message).toMatch(/^no consistent reading of the quoted fields within \d+ tries/);
  });
});

describe('s3AccessParser: streaming', () => {
  const text = [salLine({ 17: '"agent é 漢 😀"' }), salLine({ 6: 'B', 3: '[06/Feb/2019:00:00:39 -0700]' }), salLine({ 6: 'C', 8: 'd%C3%A9j%C3%A0' })].join('\r\n') + '\r\n';
  const data = Buffer.from(text, 'utf8');
  const whole = parse(data);

  it('gives the same rows for every chunk size, including cuts inside CRLF and inside multi-byte characters', () => {
    expect(whole.issues).toEqual([]);
    expect(whole.rows.map((r) => r.user_agent)[0]).toBe('agent é 漢 😀');
    for (let size = 1; size <= 40; size++) {
      const { rows, issues } = parse(data, { chunkSize: size });
      expect(issues, `chunk ${size}`).toEqual([]);
      expect(rows, `chunk ${size}`).toEqual(whole.rows);
    }
  });

  it('handles a cut exactly between CR and LF and inside a 4-byte character', () => {
    const cr = data.indexOf('\r\n');
    const emoji = data.indexOf(Buffer.from('😀'));
    const { rows, issues } = runPieces([data.subarray(0, emoji + 1), data.subarray(emoji + 1, emoji + 3), data.subarray(emoji + 3, cr + 1), data.subarray(cr + 1)]);
    expect(issues).toEqual([]);
    expect(rows.map((r) => [r.user_agent, r.request_id, r.object_key])).toEqual(whole.rows.map((r) => [r.user_agent, r.request_id, r.object_key]));
    expect(parseInChunks(data, [3, 1, 4, 1, 5, 9, 2, 6]).rows.map((r) => r.request_id)).toEqual(['3E57427F3EXAMPLE', 'B', 'C']);
  });

  it('emits a batch whenever the builder is full and keeps dictionaries right across batches', () => {
    const lines = Array.from({ length: 10 }, (_, i) => salLine({ 6: `R${i}`, 7: i % 2 ? 'REST.PUT.OBJECT' : 'REST.GET.OBJECT', 5: i % 3 ? '-' : 'arn:aws:iam::123456789012:user/u' }));
    const r = parse(lines.join('\n'), { batchRows: 3 });
    expect(r.batches).toBe(4);
    expect(r.rows.map((x) => x.action)).toEqual(lines.map((_, i) => (i % 2 ? 'PutObject' : 'GetObject')));
    expect(r.rows.map((x) => x.principal)).toEqual(lines.map((_, i) => (i % 3 ? 'anonymous' : 'arn:aws:iam::123456789012:user/u')));
    expect(r.rows.map((x) => x.origin_uri)).toEqual(lines.map(() => 'test://object'));
  });

  it('shares a builder with the objects before and after it', () => {
    const builder = new EventBatchBuilder(4);
    const rows: Record<string, unknown>[] = [];
    const emit = (b: ReturnType<EventBatchBuilder['flush']>): void => {
      for (let i = 0; i < b.numRows; i++) rows.push(b.get(i)!.toJSON() as Record<string, unknown>);
    };
    for (const [uri, n] of [['s3://a', 3], ['s3://b', 2], ['s3://c', 5]] as const) {
      const p = s3AccessParser.create({ uri, builder, emitBatch: emit, issue: () => undefined, counters: { records: 0, digests: 0, skipped: 0 } });
      p.push(Buffer.from(Array.from({ length: n }, (_, i) => salLine({ 2: `bucket-${uri.at(-1)}`, 6: `${uri}#${i}`, 7: i ? 'REST.GET.OBJECT' : 'REST.PUT.OBJECT' })).join('\n')));
      p.end();
      if (uri === 's3://b') emit(builder.flush());
    }
    emit(builder.flush());
    expect(rows.map((r) => `${r.origin_uri} ${r.bucket} ${r.request_id} ${r.action} ${r.origin_index}`)).toEqual([
      ...[0, 1, 2].map((i) => `s3://a bucket-a s3://a#${i} ${i ? 'GetObject' : 'PutObject'} ${i + 1}`),
      ...[0, 1].map((i) => `s3://b bucket-b s3://b#${i} ${i ? 'GetObject' : 'PutObject'} ${i + 1}`),
      ...[0, 1, 2, 3, 4].map((i) => `s3://c bucket-c s3://c#${i} ${i ? 'GetObject' : 'PutObject'} ${i + 1}`),
    ]);
  });
});

describe('s3AccessParser.sniff', () => {
  it('recognises access log heads, also after blank lines and when the head is cut short', () => {
    expect(s3AccessParser.kind).toBe('s3access');
    expect(s3AccessParser.sniff(Buffer.from(salLine()))).toBe(true);
    expect(s3AccessParser.sniff(Buffer.from('\r\n\n' + salLine({}, 18)))).toBe(true);
    expect(s3AccessParser.sniff(Buffer.from('79a5 mybucket [06/Feb/2014:'))).toBe(true);
    expect(s3AccessParser.sniff(Buffer.from('79a5 mybucket [06/Feb/20'))).toBe(false);
  });

  it('rejects other content', () => {
    for (const head of ['{"Records":[{"eventVersion":"1.08"}]}', '', '\n\n', 'a b c', '79a5 mybucket 06/Feb/2014:00:00:38', '2019-02-06 bucket [06/02/2019:00:00:38 +0000]', '\u0000\u0001 x [06/Feb/2014:']) {
      expect(s3AccessParser.sniff(Buffer.from(head)), head).toBe(false);
    }
  });
});

function safeDecode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
