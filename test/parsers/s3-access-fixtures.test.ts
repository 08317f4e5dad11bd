/**
 * Real access log lines from public sources (../shared/fixtures/real/README.md): every line is a
 * legitimate record and must become exactly one row, with no issue.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { s3AccessParser } from '../../parsers/s3-access.js';
import { parseBytes } from '../helpers/parse.js';

const DIR = new URL('../../../shared/fixtures/real/s3access/', import.meta.url);
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.log')).sort();

function load(name: string) {
  const data = readFileSync(new URL(name, DIR));
  const parsed = parseBytes(s3AccessParser, data, { uri: name });
  return { data, ...parsed };
}

/** Counted without the parser: lines that hold anything but whitespace. */
function nonBlankLines(data: Buffer): number {
  return data
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim() !== '').length;
}

/** Row of the given 1-based line number. */
function lineOf(rows: Record<string, unknown>[], line: number): Record<string, unknown> {
  const row = rows.find((r) => r.origin_index === line);
  if (!row) throw new Error(`no row for line ${line}`);
  return row;
}

describe('real S3 access log fixtures', () => {
  it('finds the fixture files', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(8);
  });

  it.each(FILES)('%s: every non-blank line is one row, no issues, any chunking', (name) => {
    const { data, rows, issues, counters } = load(name);
    expect(s3AccessParser.sniff(data.subarray(0, 4096))).toBe(true);
    expect(issues).toEqual([]);
    expect(rows).toHaveLength(nonBlankLines(data));
    expect(counters.records).toBe(rows.length);
    for (const r of rows) {
      expect(r.log_kind).toBe('s3access');
      expect(r.event_source).toBe('s3.amazonaws.com');
      expect(r.origin_uri).toBe(name);
      expect(typeof r.time).toBe('number');
      expect(r.bucket).toBeTruthy();
      expect(r.principal).toBeTruthy();
    }
    for (const chunkSize of [1, 13, 4096]) {
      const again = parseBytes(s3AccessParser, data, { uri: name, chunkSize, batchRows: 7 });
      expect(again.issues).toEqual([]);
      expect(again.rows).toEqual(rows);
    }
  });

  describe('dandi-s3-log-extraction.log', () => {
    const { rows } = load('dandi-s3-log-extraction.log');

    it('closes the request-URI and referer at the right quote when they contain quotes (lines 5, 31)', () => {
      for (const line of [5, 31]) {
        expect(lineOf(rows, line), `line ${line}`).toMatchObject({
          http_status: 404,
          error_code: 'NoSuchKey',
          bytes_out: 272,
          object_size: null,
          total_time_ms: 9,
          object_key: '/',
          user_agent: 'Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)',
          request_id: 'MJH1XJ8DHPSZFND7',
          cipher_suite: 'ECDHE-RSA-AES128-GCM-SHA256',
          tls_version: 'TLSv1.2',
          principal: 'anonymous',
        });
      }
      expect(lineOf(rows, 5).time).toBe(Date.UTC(2022, 3, 6, 12, 29, 11));
      expect(lineOf(rows, 31).time).toBe(Date.UTC(2023, 0, 6, 12, 29, 11));
    });

    it('reads presigned URLs with filename="…" in the request-URI (lines 7, 16, 20)', () => {
      for (const line of [7, 16, 20]) {
        expect(lineOf(rows, line), `line ${line}`).toMatchObject({
          http_status: 200,
          bytes_out: 1194552,
          object_size: 9045012,
          signature_version: 'SigV4',
          auth_type: 'QueryString',
          tls_version: 'TLSv1.3',
          principal_type: 'IAMUser',
          user_agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 Edg/114.0.1823.51',
        });
      }
      expect(lineOf(rows, 7).object_key).toBe('ds001161/dataset_description.json');
      expect(lineOf(rows, 16).object_key).toBe('blobs/3d7/802/3d780275-6a25-497f-9385-7424c642a247');
      expect(lineOf(rows, 20).principal).toBe('arn:aws:iam::278212569472:user/dandi-api-heroku');
      expect(lineOf(rows, 20).principal_account).toBe('278212569472');
    });

    it('keeps a user agent that starts with a doubled quote (lines 4, 14, 32)', () => {
      for (const line of [4, 14, 32]) {
        const r = lineOf(rows, line);
        expect(r.user_agent, `line ${line}`).toBe('"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/67.0.3396.99 Safari/537.36');
        expect(r.request_id).toBe('5PCGX9WKFQMJH6FB');
        expect(r.host_id).toBe('A54Zaz7Sl0ygUFZ4lEOYCXHxImvTGXnvR+rr9+JcM/gceQWDObRkwnP9nO+wK70lpMaaE78SWvA=');
      }
      expect(lineOf(rows, 14).object_size).toBe(422868123111);
    });

    it('stays aligned across a double space (lines 10, 19)', () => {
      for (const line of [10, 19]) {
        expect(lineOf(rows, line), `line ${line}`).toMatchObject({
          source_ip: '192.0.2.0',
          principal: 'arn:aws:iam::123:user/dandi-api-heroku',
          request_id: 'SAV964NQBF0SD0RV',
          operation: 'REST.GET.OBJECT',
          http_status: 206,
          bytes_out: 0,
          total_time_ms: 45147,
          user_agent: 'Boto3/1.21.19 Python/3.9.10 Linux/4.4.0-1104-aws Botocore/1.24.19 Resource',
          signature_version: 'SigV4',
          auth_type: 'AuthHeader',
          tls_version: 'TLSv1.2',
        });
      }
      expect(lineOf(rows, 10).object_size).toBe(199693197);
      expect(lineOf(rows, 19).object_size).toBe(496458979);
    });

    it('has the 25-field lines without an access point and the anonymous defaults', () => {
      expect(lineOf(rows, 1)).toMatchObject({ user_agent: null, signature_version: null, auth_type: null, principal: 'anonymous', principal_type: 'Anonymous', bytes_out: 384 });
    });
  });

  it('otel-contrib-s3access.log: a request-URI of "-" (5) and a 28th unknown field (6)', () => {
    const { rows } = load('otel-contrib-s3access.log');
    expect(lineOf(rows, 5)).toMatchObject({ http_status: 200, action: 'GetBucketVersioning', read_only: true });
    expect(lineOf(rows, 6)).toMatchObject({ tls_version: 'TLSv1.2', auth_type: 'AuthHeader', signature_version: 'SigV4', principal_type: 'CanonicalUser' });
  });

  it('panther-oss-parser-tests.log: the S3.EXPIRE.OBJECT lifecycle line is S3 acting', () => {
    const { rows } = load('panther-oss-parser-tests.log');
    const expire = rows.find((r) => r.operation === 'S3.EXPIRE.OBJECT')!;
    expect(expire).toMatchObject({
      principal: 'AmazonS3',
      principal_type: 'AWSService',
      principal_arn: null,
      action: 'S3.EXPIRE.OBJECT',
      read_only: false,
      source_ip: null,
      http_status: null,
      bytes_out: 0,
      object_size: 3922,
      user_agent: null,
      request_id: '128E87669E4C15FA',
      host_id: 'JFLmDHDLlTpiqmG5NECMOIsZfzN2Mki0OqHGVbsP20tAVq3176HcY0/F8Y9ONTth',
      object_key: 'panther-s3-logs-012345678901-us-east-1/2020-01-11-22-33-30-23B392B734E22958',
      tls_version: null,
    });
    expect(lineOf(rows, 3)).toMatchObject({
      principal: 'arn:aws:iam::123456789012:role/PantherLogProcessingRole',
      session_name: '1579693334126446707',
      action: 'PutObject',
      read_only: false,
    });
  });

  it('logstash-patterns-core-spec.log: 18-field lines have no host id and later fields', () => {
    const { rows } = load('logstash-patterns-core-spec.log');
    for (const line of [1, 2]) {
      expect(lineOf(rows, line), `line ${line}`).toMatchObject({ host_id: null, signature_version: null, cipher_suite: null, auth_type: null, tls_version: null, owner_account: '79a5' });
    }
    expect(lineOf(rows, 2)).toMatchObject({ principal: 'anonymous', http_status: 304, bytes_out: 0, object_size: 1718, user_agent: 'Mozilla/5.0' });
    expect(lineOf(rows, 3)).toMatchObject({ tls_version: 'TLSv1.1', signature_version: 'SigV2', principal: 'arn:aws:iam::123456:user/test@elastic.co' });
    expect(lineOf(rows, 3).user_agent).toContain('AWS-Support-TrustedAdvisor, aws-internal/3');
  });

  it('awsdocs-s3-developer-guide-2021.log: TLSV1.1 becomes TLSv1.1', () => {
    const { rows } = load('awsdocs-s3-developer-guide-2021.log');
    expect(rows.map((r) => r.tls_version)).toEqual(rows.map(() => 'TLSv1.1'));
    expect(rows.map((r) => r.signature_version)).toEqual(['SigV2', 'SigV2', 'SigV2', 'SigV2', 'SigV4']);
  });

  it('awsdocs-s3-userguide-2023.log: line 3 ends with a trailing space', () => {
    const { data, rows } = load('awsdocs-s3-userguide-2023.log');
    expect(data.toString('utf8').split('\n')[2].endsWith(' ')).toBe(true);
    expect(lineOf(rows, 3)).toMatchObject({
      http_status: 404,
      error_code: 'NoSuchBucketPolicy',
      action: 'GetBucketPolicy',
      read_only: true,
      tls_version: 'TLSv1.2',
      bytes_out: 297,
      principal_type: 'CanonicalUser',
    });
    expect(lineOf(rows, 5)).toMatchObject({ action: 'PutObject', object_key: 's3-dg.pdf', bytes_out: 0, object_size: 4406583, total_time_ms: 41754 });
  });

  it('awsdocs-current-2026-source-region.log: the 27-field format', () => {
    const { rows } = load('awsdocs-current-2026-source-region.log');
    expect(rows.map((r) => [r.action, r.tls_version, r.time])).toEqual([
      ['GetBucketVersioning', 'TLSv1.2', Date.UTC(2019, 1, 6, 0, 0, 38)],
      ['GetBucketLogging', 'TLSv1.2', Date.UTC(2019, 1, 6, 0, 0, 38)],
    ]);
  });
});
