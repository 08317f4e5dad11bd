/**
 * CloudTrail parser: specific shapes, identities, odd values and broken inputs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Table, type RecordBatch } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { EventBatchBuilder } from '../../src/arrow/batch-builder.js';
import type { ParseIssue } from '../../src/issues.js';
import { cloudTrailParser, createCloudTrailParser } from '../../parsers/cloudtrail.js';
import type { ObjectCounters } from '../../parsers/types.js';
import { parseBytes } from '../helpers/parse.js';

const DIR = new URL('../../../shared/fixtures/real/cloudtrail/', import.meta.url);

function parse(input: string | Uint8Array, chunkSize?: number) {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  return parseBytes(cloudTrailParser, bytes, { chunkSize });
}

const brief = (issues: ParseIssue[]) => issues.map((i) => `${i.line !== undefined ? `line ${i.line}` : `record ${i.record}`}: ${i.reason}`);

const base = {
  eventVersion: '1.09',
  eventTime: '2024-06-01T12:00:00Z',
  eventSource: 's3.amazonaws.com',
  eventName: 'GetObject',
  awsRegion: 'us-east-1',
  sourceIPAddress: '203.0.113.9',
};
const rec = (extra: Record<string, unknown> = {}) => ({ ...base, ...extra });
const line = (extra: Record<string, unknown> = {}) => JSON.stringify(rec(extra));

describe('identities', () => {
  it('maps an assumed-role session and its path-qualified issuer to the same path-less role', () => {
    const { rows } = parse(
      line({
        userIdentity: {
          type: 'AssumedRole',
          principalId: 'AROAEXAMPLE:alice@example.com',
          arn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Reader_abc/alice@example.com',
          accountId: '111122223333',
          accessKeyId: 'ASIAEXAMPLE',
          sessionContext: {
            sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Reader_abc' },
          },
        },
      }) +
        '\n' +
        line({ userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Reader_abc/bob', accountId: '111122223333' } }),
    );
    expect(rows.map((r) => r.principal)).toEqual([
      'arn:aws:iam::111122223333:role/AWSReservedSSO_Reader_abc',
      'arn:aws:iam::111122223333:role/AWSReservedSSO_Reader_abc',
    ]);
    expect(rows.map((r) => r.session_name)).toEqual(['alice@example.com', 'bob']);
    expect(rows[0]).toMatchObject({ principal_type: 'AssumedRole', principal_account: '111122223333', access_key_id: 'ASIAEXAMPLE' });
    expect(rows[0].principal_arn).toBe('arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Reader_abc/alice@example.com');
  });

  it('names AWS services by their service name, with and without a type, and keeps invokedBy', () => {
    const { rows } = parse(
      [
        line({ userIdentity: { type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' } }),
        line({ userIdentity: { accountId: '111122223333', invokedBy: 'lambda.amazonaws.com' } }),
        line({
          userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/R/s', accountId: '111122223333', invokedBy: 'athena.amazonaws.com' },
        }),
      ].join('\n'),
    );
    expect(rows.map((r) => r.principal)).toEqual(['cloudtrail.amazonaws.com', 'lambda.amazonaws.com', 'athena.amazonaws.com']);
    expect(rows.map((r) => r.invoked_by)).toEqual(['cloudtrail.amazonaws.com', 'lambda.amazonaws.com', 'athena.amazonaws.com']);
    expect(rows.map((r) => r.principal_type)).toEqual(['AWSService', 'AWSService', 'AssumedRole']);
  });

  it('reads the 42 invictus AwsServiceEvent records without a userIdentity type as their service', () => {
    let n = 0;
    for (const f of readdirSync(new URL('invictus-ir-aws_dataset/', DIR))) {
      const bytes = readFileSync(new URL(`invictus-ir-aws_dataset/${f}`, DIR));
      const records = (JSON.parse(bytes.toString('utf8')) as { Records: { eventType?: string; userIdentity?: { type?: string; invokedBy?: string } }[] }).Records;
      const { rows } = parse(bytes);
      records.forEach((r, i) => {
        if (r.eventType !== 'AwsServiceEvent' || !r.userIdentity || r.userIdentity.type !== undefined) return;
        n++;
        expect(rows[i].event_type).toBe('AwsServiceEvent');
        expect(rows[i].principal).toBe(r.userIdentity.invokedBy);
        expect(String(rows[i].principal)).toMatch(/\.amazonaws\.com$/);
      });
    }
    expect(n).toBe(42);
  });

  it('root, anonymous, missing and unknown identities', () => {
    const { rows } = parse(
      [
        line({ userIdentity: { type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333', accessKeyId: '' } }),
        line({ userIdentity: { type: 'AWSAccount', principalId: '', accountId: 'anonymous' } }),
        line(),
        line({ userIdentity: { type: 'Unknown' } }),
      ].join('\n'),
    );
    expect(rows.map((r) => r.principal)).toEqual(['arn:aws:iam::111122223333:root', 'anonymous', 'unknown', 'unknown']);
    expect(rows[0].access_key_id).toBeNull();
    expect(rows[1].principal_account).toBeNull();
  });
});

describe('values', () => {
  it('strips one pair of brackets from user agents', () => {
    const { rows } = parse([line({ userAgent: '[aws-cli/2.15.30 Python/3.11]' }), line({ userAgent: '[[x]]' }), line({ userAgent: 'Boto3/1.34 [x]' })].join('\n'));
    expect(rows.map((r) => r.user_agent)).toEqual(['aws-cli/2.15.30 Python/3.11', '[x]', 'Boto3/1.34 [x]']);
  });

  it('reads byte counts given as floats or strings as integers', () => {
    const text = [
      '{"eventTime":"2024-06-01T00:00:00Z","additionalEventData":{"bytesTransferredOut":243.0,"bytesTransferredIn":"17"}}',
      '{"eventTime":"2024-06-01T00:00:00Z","additionalEventData":{"bytesTransferredOut":1.5e3,"bytesTransferredIn":"x"}}',
      '{"eventTime":"2024-06-01T00:00:00Z","additionalEventData":{"bytesTransferredOut":-0,"bytesTransferredIn":9007199254740993}}',
      '{"eventTime":"2024-06-01T00:00:00Z","additionalEventData":{"bytesTransferredOut":"","bytesTransferredIn":true}}',
    ].join('\n');
    const { rows } = parse(text);
    expect(rows.map((r) => [r.bytes_out, r.bytes_in])).toEqual([
      [243, 17],
      [1500, null],
      [0, 9007199254740992],
      [null, null],
    ]);
  });

  it('reads readOnly from JSON booleans and from strings in any case', () => {
    const { rows } = parse([true, 'True', 'false', 'FALSE', 'yes', 1, null].map((v) => line({ readOnly: v })).join('\n'));
    expect(rows.map((r) => r.read_only)).toEqual([true, true, false, false, null, null, null]);
  });

  it('parses eventTime forms from bytes', () => {
    const times = [
      '2014-03-06T21:22:54Z',
      '2025-02-19 20:13:49',
      '2024-12-12 16:04:32.000000000',
      '2024-12-12T16:04:32.123456Z',
      '2024-12-12T16:04:32.1Z',
      '2024-12-12T18:04:32+02:00',
      '2024-12-12T11:34:32-0430',
      '2024-02-29T00:00:00Z',
      '2016-12-31T23:59:60Z',
    ];
    const { rows, issues } = parse(times.map((t) => line({ eventTime: t })).join('\n'));
    expect(issues).toEqual([]);
    expect(rows.map((r) => r.time)).toEqual([
      Date.UTC(2014, 2, 6, 21, 22, 54),
      Date.UTC(2025, 1, 19, 20, 13, 49),
      Date.UTC(2024, 11, 12, 16, 4, 32),
      Date.UTC(2024, 11, 12, 16, 4, 32, 123),
      Date.UTC(2024, 11, 12, 16, 4, 32, 100),
      Date.UTC(2024, 11, 12, 16, 4, 32),
      Date.UTC(2024, 11, 12, 16, 4, 32),
      Date.UTC(2024, 1, 29),
      Date.UTC(2017, 0, 1),
    ]);
  });

  it('keeps records whose eventTime is missing or not a time (null time, reported); skips the placeholder', () => {
    const bad = ['2023-02-29T00:00:00Z', '2024-13-01T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T00:00:00ZZ', '2024-01-01', 1717243200];
    const input = [line({ eventTime: 'eventTime' }), ...bad.map((t) => line({ eventTime: t })), line({ eventTime: null }), JSON.stringify({ eventName: 'X' })];
    const { rows, issues, counters } = parse(input.join('\n'));
    expect(rows.length).toBe(bad.length + 2);
    expect(rows.every((r) => r.time === null)).toBe(true);
    expect(rows.map((r) => r.origin_index)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(brief(issues)).toEqual([
      'line 1: unknown_format',
      ...bad.map((_, i) => `line ${i + 2}: invalid_event_time`),
      'line 8: missing_event_time',
      'line 9: missing_event_time',
    ]);
    expect(counters).toEqual({ records: bad.length + 2, digests: 0, skipped: 1 });
  });

  it('keeps the exact bytes of requestParameters, null when absent or null', () => {
    const rp = '{ "bucketName" : "b1",\n  "policy": "{\\"Version\\":\\"2012-10-17\\"}",  "key":"a\\u00e9 b" }';
    const text = [
      `{"eventTime":"2024-06-01T00:00:00Z","requestParameters":${rp}}`,
      '{"eventTime":"2024-06-01T00:00:00Z","requestParameters":null}',
      '{"eventTime":"2024-06-01T00:00:00Z"}',
      '{"eventTime":"2024-06-01T00:00:00Z","requestParameters":"{\\"a\\":1}"}',
      '{"eventTime":"2024-06-01T00:00:00Z","requestParameters":[1,2]}',
    ].join('\n');
    // The pretty-printed line breaks inside the object make this concatenated JSON, not NDJSON.
    const { rows } = parse(text);
    expect(rows.map((r) => r.request_parameters)).toEqual([rp, null, null, '"{\\"a\\":1}"', '[1,2]']);
    expect(rows[0]).toMatchObject({ bucket: 'b1', object_key: 'aé b' });
  });

  it('falls back to additionalEventData.CipherSuite when tlsDetails has none', () => {
    const { rows } = parse(
      [
        line({ tlsDetails: { tlsVersion: 'TLSv1.2', cipherSuite: 'ECDHE-RSA-AES128-GCM-SHA256' }, additionalEventData: { CipherSuite: 'other' } }),
        line({ tlsDetails: { clientProvidedHostHeader: 'h' }, additionalEventData: { CipherSuite: 'TLS_AES_128_GCM_SHA256', SignatureVersion: 'SigV4', AuthenticationMethod: 'AuthHeader', 'x-amz-id-2': 'HOST' } }),
      ].join('\n'),
    );
    expect(rows.map((r) => [r.tls_version, r.cipher_suite, r.signature_version, r.auth_type, r.host_id])).toEqual([
      ['TLSv1.2', 'ECDHE-RSA-AES128-GCM-SHA256', null, null, null],
      [null, 'TLS_AES_128_GCM_SHA256', 'SigV4', 'AuthHeader', 'HOST'],
    ]);
  });

  it('lets the last duplicate key win, and a repeated holder forget its earlier children', () => {
    const text =
      '{"eventTime":"2020-01-01T00:00:00Z","eventName":"A","eventName":"B","eventTime":"2024-06-01T00:00:00Z",' +
      '"requestParameters":{"bucketName":"old","key":"k"},"requestParameters":{"bucketName":"new"},' +
      '"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/a"},"userIdentity":{"type":"Root","accountId":"111122223333"},' +
      '"additionalEventData":{"bytesTransferredOut":5},"additionalEventData":null}';
    const { rows } = parse(text);
    expect(rows[0]).toMatchObject({
      action: 'B',
      time: Date.UTC(2024, 5, 1),
      bucket: 'new',
      object_key: null,
      principal: 'arn:aws:iam::111122223333:root',
      principal_arn: null,
      bytes_out: null,
      request_parameters: '{"bucketName":"new"}',
    });
  });

  it('decodes escapes in values and keys', () => {
    const text = [
      '{"eventTime":"2024-06-01T00:00:00Z","eventName":"Get\\u004fbject","userAgent":"[say \\"hi\\" \\\\ \\u0000 \\ud83d\\ude00]","requestParameters":{"key":"a\\/b\\tc"}}',
      '{"event\\u0054ime":"2024-06-01T00:00:00Z","eventName":"X","userIdentity":{"\\u0074ype":"IAMUser","arn":"arn:aws:iam::111122223333:user/u"}}',
      '{"eventTime":"2024-06-01T00:00:00Z","eventName":"bad \\x escape"}',
    ].join('\n');
    const { rows, issues } = parse(text);
    expect(rows.map((r) => r.action)).toEqual(['GetObject', 'X']);
    expect(rows[0].user_agent).toBe('say "hi" \\ \u0000 \u{1f600}');
    expect(rows[0].object_key).toBe('a/b\tc');
    expect(rows[1]).toMatchObject({ time: Date.UTC(2024, 5, 1), principal: 'arn:aws:iam::111122223333:user/u', principal_type: 'IAMUser' });
    expect(brief(issues)).toEqual(['line 3: malformed_json']);
  });

  it('keeps records with invalid UTF-8, repairs the value and says so', () => {
    const bytes = Buffer.concat([
      Buffer.from('{"eventTime":"2024-06-01T00:00:00Z","eventName":"GetObject","requestParameters":{"bucketName":"b","key":"caf'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"},"userAgent":"ok"}\n'),
      Buffer.from(line({ eventName: 'Fine', userAgent: 'caf\u00e9' })),
    ]);
    const { rows, issues } = parse(bytes);
    expect(rows.map((r) => r.object_key)).toEqual(['caf\ufffd(', null]);
    expect(rows[1].user_agent).toBe('café');
    expect(brief(issues)).toEqual(['line 1: invalid_utf8']);
  });

  it('maps insights to events of their own type with the insight source and action', () => {
    const text = JSON.stringify({
      eventVersion: '1.08',
      eventTime: '2022-04-12T16:10:00Z',
      awsRegion: 'eu-central-1',
      eventID: 'e1',
      eventType: 'AwsCloudTrailInsight',
      recipientAccountId: '246337027688',
      insightDetails: { state: 'Start', eventSource: 'autoscaling.amazonaws.com', eventName: 'CompleteLifecycleAction', insightType: 'ApiCallRateInsight' },
      eventCategory: 'Insight',
    });
    const { rows, issues } = parse(text);
    expect(issues).toEqual([]);
    expect(rows[0]).toMatchObject({
      event_type: 'AwsCloudTrailInsight',
      event_source: 'autoscaling.amazonaws.com',
      action: 'CompleteLifecycleAction',
      principal: 'unknown',
      owner_account: '246337027688',
    });
  });
});

describe('input shapes', () => {
  const events = [rec({ eventName: 'A' }), rec({ eventName: 'B', eventTime: '2024-06-01T12:00:01Z' }), rec({ eventName: 'C' })];

  it('reads a delivered file, minified and pretty-printed, with keys around Records', () => {
    const minified = JSON.stringify({ Records: events });
    const pretty = JSON.stringify({ before: { Records: [1] }, Records: events, after: ['}', { x: '[' }] }, null, 4);
    for (const text of [minified, pretty, '\ufeff' + minified]) {
      for (const chunkSize of [undefined, 1, 5]) {
        const { rows, issues } = parse(text, chunkSize);
        expect(issues).toEqual([]);
        expect(rows.map((r) => [r.action, r.origin_index, r.origin_uri])).toEqual([
          ['A', 0, 'test://object'],
          ['B', 1, 'test://object'],
          ['C', 2, 'test://object'],
        ]);
      }
    }
  });

  it('reads NDJSON (origin_index is the line number) and a JSON array (origin_index is the element)', () => {
    const nd = parse('\n' + events.map((e) => JSON.stringify(e)).join('\n\n') + '\n');
    expect(nd.rows.map((r) => [r.action, r.origin_index])).toEqual([
      ['A', 2],
      ['B', 4],
      ['C', 6],
    ]);
    const arr = parse(JSON.stringify(events, null, 2), 3);
    expect(arr.rows.map((r) => [r.action, r.origin_index])).toEqual([
      ['A', 0],
      ['B', 1],
      ['C', 2],
    ]);
  });

  it('unpacks EventBridge envelopes, one or one per line', () => {
    const envelope = (e: object) => ({
      version: '0',
      id: 'x',
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.s3',
      account: '111122223333',
      time: '2024-06-01T12:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: e,
    });
    const { rows, issues } = parse(events.map((e) => JSON.stringify(envelope(e))).join('\n'), 11);
    expect(issues).toEqual([]);
    expect(rows.map((r) => [r.action, r.origin_index])).toEqual([
      ['A', 1],
      ['B', 2],
      ['C', 3],
    ]);
    expect(parse(JSON.stringify(envelope(events[0]), null, 2)).rows.map((r) => r.action)).toEqual(['A']);
  });

  it('unpacks CloudWatch Logs subscription envelopes', () => {
    const envelope = (es: object[]) => ({
      messageType: 'DATA_MESSAGE',
      owner: '111122223333',
      logGroup: '/aws/cloudtrail',
      logStream: 's',
      subscriptionFilters: ['f'],
      logEvents: es.map((e, i) => ({ id: String(i), timestamp: 1, message: JSON.stringify(e) })),
    });
    const control = { messageType: 'CONTROL_MESSAGE', logEvents: [{ id: '1', timestamp: 1, message: 'CWL CONTROL MESSAGE: Checking health of destination' }] };
    const text = [JSON.stringify(envelope(events.slice(0, 2))), JSON.stringify(control), JSON.stringify(envelope([events[2], { s3: { bucket: {} } }]))].join('\n');
    const { rows, issues, counters } = parse(text, 100);
    expect(rows.map((r) => [r.action, r.origin_index])).toEqual([
      ['A', 1],
      ['B', 1],
      ['C', 3],
    ]);
    expect(brief(issues)).toEqual(['line 3: unknown_format']);
    expect(counters).toEqual({ records: 3, digests: 0, skipped: 1 });
  });

  it('recognises digests and S3 Event Notifications; reports values that are not CloudTrail', () => {
    const text = [
      JSON.stringify({ awsAccountId: '1', digestStartTime: '2015-08-17T14:01:31Z', digestEndTime: '2015-08-17T15:01:31Z', logFiles: [] }),
      JSON.stringify({ Records: [{ eventVersion: '2.1', eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key: 'k' } } }] }),
      '{"foo":1}',
      '42',
      '"text"',
      '[1,{"eventName":"X","eventTime":"2024-06-01T00:00:00Z"}]',
    ].join('\n');
    const { rows, issues, counters } = parse(text);
    expect(rows.map((r) => r.action)).toEqual(['X']);
    expect(counters).toEqual({ records: 1, digests: 1, skipped: 1 });
    expect(brief(issues)).toEqual(['line 2: unknown_format', 'line 3: unknown_format', 'line 4: unknown_format', 'line 5: unknown_format', 'line 6: unknown_format']);
  });

  it('sniffs JSON objects and arrays after an optional BOM and whitespace', () => {
    const sniff = (s: string | number[]) => cloudTrailParser.sniff(typeof s === 'string' ? Buffer.from(s) : Uint8Array.from(s));
    expect(sniff('{"Records":[')).toBe(true);
    expect(sniff(' \n\t[')).toBe(true);
    expect(sniff([0xef, 0xbb, 0xbf, 0x7b])).toBe(true);
    expect(sniff('79a59df9 awsexamplebucket1 [06/Feb/2019:00:00:38 +0000]')).toBe(false);
    expect(sniff('')).toBe(false);
    expect(sniff('   ')).toBe(false);
  });
});

describe('broken input', () => {
  it('reports garbage between NDJSON lines and carries on', () => {
    const text = [line({ eventName: 'A' }), 'this is not json', '{"eventName": "B", broken', line({ eventName: 'C' }), '}{', line({ eventName: 'D' })].join('\n');
    for (const chunkSize of [undefined, 1, 13]) {
      const { rows, issues } = parse(text, chunkSize);
      expect(rows.map((r) => [r.action, r.origin_index])).toEqual([
        ['A', 1],
        ['C', 4],
        ['D', 6],
      ]);
      expect(brief(issues)).toEqual(['line 2: malformed_json', 'line 3: malformed_json', 'line 5: malformed_json']);
    }
  });

  it('reports a truncated delivered file after keeping the records before the cut', () => {
    const full = JSON.stringify({ Records: [rec({ eventName: 'A' }), rec({ eventName: 'B' }), rec({ eventName: 'C' })] });
    const cuts: [number, number][] = [
      [full.indexOf('"B"') + 2, 1],
      [full.indexOf('"C"') + 2, 2],
      [full.length - 2, 3],
      [full.length - 1, 3],
    ];
    for (const [cut, kept] of cuts) {
      const { rows, issues } = parse(full.slice(0, cut), 16);
      expect(rows.map((r) => r.action)).toEqual(['A', 'B', 'C'].slice(0, kept));
      expect(brief(issues)).toEqual([`record ${kept}: malformed_json`]);
    }
  });

  it('reports a truncated last NDJSON line', () => {
    const text = line({ eventName: 'A' }) + '\n' + line({ eventName: 'B' }).slice(0, 30);
    const { rows, issues } = parse(text, 7);
    expect(rows.map((r) => r.action)).toEqual(['A']);
    expect(brief(issues)).toEqual(['line 2: malformed_json']);
  });

  it('stops a Records array at a syntax error and resumes at the next document', () => {
    const good = JSON.stringify({ Records: [rec({ eventName: 'C' })] });
    const text = '{"Records":[' + line({ eventName: 'A' }) + ',{"eventName":"B",,}, ' + line({ eventName: 'lost' }) + ']}\n' + good + '\n';
    const { rows, issues } = parse(text, 9);
    expect(rows.map((r) => r.action)).toEqual(['A', 'C']);
    expect(brief(issues)).toEqual(['record 1: malformed_json']);
  });

  it('skips a record larger than the cap without buffering it, then carries on', () => {
    const big = rec({ eventName: 'Big', requestParameters: { blob: 'x'.repeat(5000), nested: [{ a: '}' }] } });
    const builder = new EventBatchBuilder();
    const issues: ParseIssue[] = [];
    const counters: ObjectCounters = { records: 0, digests: 0, skipped: 0 };
    const batches: RecordBatch[] = [];
    const p = createCloudTrailParser({ uri: 'u', builder, emitBatch: (b) => batches.push(b), issue: (i) => issues.push(i), counters }, { maxRecordBytes: 1024 });
    const text = JSON.stringify({ Records: [rec({ eventName: 'A' }), big, rec({ eventName: 'B' })] }) + '\n' + [line({ eventName: 'C' }), JSON.stringify(big), line({ eventName: 'D' })].join('\n');
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += 256) p.push(bytes.subarray(i, i + 256));
    p.end();
    expect(counters.records).toBe(4);
    expect(brief(issues)).toEqual(['record 1: record_too_large', 'record 4: record_too_large']);
  });

  it('never throws on random bytes', () => {
    const noise = Buffer.alloc(20_000);
    let s = 7;
    for (let i = 0; i < noise.length; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      noise[i] = '{}[]",:\\ \nae01'.charCodeAt((s >>> 16) % 15);
    }
    for (const chunkSize of [undefined, 3, 100]) expect(() => parse(noise, chunkSize)).not.toThrow();
  });
});

describe('batches', () => {
  it('keeps each object its own origin_uri when objects share a builder mid-batch', () => {
    const builder = new EventBatchBuilder(1000);
    const batches: RecordBatch[] = [];
    const counters: ObjectCounters = { records: 0, digests: 0, skipped: 0 };
    for (const uri of ['s3://b/one.json', 's3://b/two.json']) {
      const p = cloudTrailParser.create({ uri, builder, counters, emitBatch: (b) => batches.push(b), issue: () => {} });
      p.push(Buffer.from([line({ eventName: 'A', awsRegion: uri }), line({ eventName: 'B' })].join('\n')));
      p.end();
    }
    batches.push(builder.flush());
    const t = new Table(batches);
    expect(t.toArray().map((r) => [r.origin_uri, r.region])).toEqual([
      ['s3://b/one.json', 's3://b/one.json'],
      ['s3://b/one.json', 'us-east-1'],
      ['s3://b/two.json', 's3://b/two.json'],
      ['s3://b/two.json', 'us-east-1'],
    ]);
  });

  it('re-interns its cached dictionary indices after another parser flushed the shared builder', () => {
    const builder = new EventBatchBuilder(1000);
    const batches: RecordBatch[] = [];
    const counters: ObjectCounters = { records: 0, digests: 0, skipped: 0 };
    const object = (uri: string, text: string) => {
      const p = cloudTrailParser.create({ uri, builder, counters, emitBatch: (b) => batches.push(b), issue: () => {} });
      p.push(Buffer.from(text));
      p.end();
    };
    const record = line({ userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice' }, tlsDetails: { tlsVersion: 'TLSv1.3' } });
    object('one', record);
    // Another log kind's parser: flushes, then leaves rows of its own in the new batch.
    builder.cols.log_kind.appendString('s3access');
    builder.cols.principal.appendString('anonymous');
    builder.endRow();
    batches.push(builder.flush());
    builder.cols.log_kind.appendString('s3access');
    builder.cols.principal.appendString('arn:aws:iam::999999999999:user/mallory');
    builder.cols.tls_version.appendString('TLSv1.0');
    builder.endRow();
    object('two', record);
    batches.push(builder.flush());
    const rows = new Table(batches).toArray().map((r) => [r.log_kind, r.principal, r.tls_version, r.origin_uri]);
    expect(rows).toEqual([
      ['cloudtrail', 'arn:aws:iam::111122223333:user/alice', 'TLSv1.3', 'one'],
      ['s3access', 'anonymous', null, null],
      ['s3access', 'arn:aws:iam::999999999999:user/mallory', 'TLSv1.0', null],
      ['cloudtrail', 'arn:aws:iam::111122223333:user/alice', 'TLSv1.3', 'two'],
    ]);
  });

  it('cuts batches when full and keeps dictionary columns right across them', () => {
    const text = Array.from({ length: 25 }, (_, i) => line({ eventName: `E${i % 4}`, awsRegion: i % 2 ? 'eu-west-1' : 'us-east-1' })).join('\n');
    const { rows, batches } = parseBytes(cloudTrailParser, Buffer.from(text), { batchRows: 10, uri: 's3://b/k.json' });
    expect(batches).toBe(3);
    expect(rows.map((r) => r.action)).toEqual(Array.from({ length: 25 }, (_, i) => `E${i % 4}`));
    expect(new Set(rows.map((r) => r.origin_uri))).toEqual(new Set(['s3://b/k.json']));
    expect(new Set(rows.map((r) => r.log_kind))).toEqual(new Set(['cloudtrail']));
    expect(rows[13].region).toBe('eu-west-1');
  });
});
