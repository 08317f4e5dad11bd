/**
 * Property tests: random CloudTrail records, serialised in every input shape (minified, with random
 * whitespace, with duplicate keys), fed in random chunks, parse back field for field equal to the
 * JSON.parse reference.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cloudTrailParser } from '../../parsers/cloudtrail.js';
import { parseBytes } from '../helpers/parse.js';
import { classify, normalizeActual, type Outcome } from './cloudtrail-reference.js';

const URI = 's3://bucket/AWSLogs/x.json.gz';

const unit = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.constantFrom('"', '\\', '[', ']', '{', '}', ',', ':', '/', '\u0000', '\n', '\t', 'é', '日', '😀', '\u2028', ' ') },
  { weight: 5, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
);
const str = fc.string({ unit, maxLength: 24 });
const word = fc.constantFrom('GetObject', 'PutObject', 'AssumeRole', 's3.amazonaws.com', 'us-east-1', 'AccessDenied', 'TLSv1.2', '');
const text = fc.oneof({ weight: 4, arbitrary: word }, { weight: 4, arbitrary: str }, { weight: 1, arbitrary: fc.constantFrom(7, 1.5, true, null, [], {}) });
const account = fc.constantFrom('111122223333', '444455556666', 'anonymous', '');
const arn = fc.oneof(
  fc.tuple(account, fc.constantFrom('Reader', 'Admin'), str).map(([a, r, s]) => `arn:aws:sts::${a}:assumed-role/${r}/${s}`),
  fc.tuple(account, fc.constantFrom('Reader', 'aws-reserved/sso.amazonaws.com/Reader')).map(([a, r]) => `arn:aws:iam::${a}:role/${r}`),
  fc.tuple(account, str).map(([a, u]) => `arn:aws:iam::${a}:user/${u}`),
  account.map((a) => `arn:aws:iam::${a}:root`),
  str,
);

const digits = (n: number, w: number) => String(n).padStart(w, '0');
const validTime = fc
  .record({
    y: fc.integer({ min: 1970, max: 2100 }),
    mo: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 }),
    h: fc.integer({ min: 0, max: 23 }),
    mi: fc.integer({ min: 0, max: 59 }),
    s: fc.integer({ min: 0, max: 59 }),
    sep: fc.constantFrom('T', ' '),
    frac: fc.oneof(fc.constant(''), fc.stringMatching(/^\.\d{1,9}$/)),
    zone: fc.constantFrom('Z', '', '+02:00', '-0430', '+05', 'z'),
  })
  .map((t) => `${digits(t.y, 4)}-${digits(t.mo, 2)}-${digits(t.d, 2)}${t.sep}${digits(t.h, 2)}:${digits(t.mi, 2)}:${digits(t.s, 2)}${t.frac}${t.zone}`);
const time = fc.oneof({ weight: 12, arbitrary: validTime }, { weight: 1, arbitrary: str }, { weight: 1, arbitrary: fc.constantFrom(null, 5, '2024-02-30T00:00:00Z') });
const bytesValue = fc.oneof(fc.nat(), fc.nat().map((n) => n + 0.0), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.nat().map(String), fc.constantFrom('243.0', '', 'x', -3, 1e21));
const readOnly = fc.oneof(fc.boolean(), fc.constantFrom('true', 'True', 'false', 'FALSE', 'no', 1, null));

/** Optional field: absent (undefined → dropped by JSON.stringify) or a value. */
const opt = <T,>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 3 });
const extraKey = fc.oneof(fc.constantFrom('eventTim', 'eventTimes', 'EventTime', 'userIdentit', 'Records2', 'responseElements', 'resources', 'détail'), str);

const userIdentity = fc.record(
  {
    type: opt(fc.oneof(fc.constantFrom('AssumedRole', 'IAMUser', 'Root', 'AWSService', 'AWSAccount', 'Unknown'), text)),
    arn: opt(arn),
    accountId: opt(account),
    principalId: opt(text),
    userName: opt(text),
    invokedBy: opt(fc.oneof(fc.constantFrom('s3.amazonaws.com', 'lambda.amazonaws.com'), text)),
    accessKeyId: opt(fc.oneof(fc.constantFrom('', 'ASIAEXAMPLE'), text)),
    sessionContext: opt(fc.oneof(fc.record({ sessionIssuer: opt(fc.record({ type: opt(text), arn: opt(arn) }, { requiredKeys: [] })), attributes: fc.constant({ mfaAuthenticated: 'false' }) }, { requiredKeys: [] }), fc.constant(null))),
  },
  { requiredKeys: [] },
);

const record = fc
  .record(
    {
      eventVersion: opt(fc.constantFrom('1.08', '1.11')),
      eventTime: opt(time),
      eventSource: opt(text),
      eventName: opt(text),
      awsRegion: opt(text),
      sourceIPAddress: opt(text),
      userAgent: opt(fc.oneof(str.map((s) => `[${s}]`), text)),
      errorCode: opt(text),
      requestID: opt(text),
      eventID: opt(text),
      readOnly: opt(readOnly),
      eventType: opt(fc.oneof(fc.constantFrom('AwsApiCall', 'AwsServiceEvent'), text)),
      recipientAccountId: opt(account),
      vpcEndpointId: opt(text),
      userIdentity: opt(fc.oneof({ weight: 8, arbitrary: userIdentity }, { weight: 1, arbitrary: fc.constantFrom(null, 'x', []) })),
      requestParameters: opt(
        fc.oneof(
          fc.record({ bucketName: opt(text), key: opt(text), Host: opt(str), policy: opt(fc.jsonValue({ maxDepth: 2 })) }, { requiredKeys: [] }),
          fc.constantFrom(null, 'str', 3),
        ),
      ),
      additionalEventData: opt(
        fc.oneof(
          fc.record(
            { bytesTransferredOut: opt(bytesValue), bytesTransferredIn: opt(bytesValue), SignatureVersion: opt(text), CipherSuite: opt(text), AuthenticationMethod: opt(text), 'x-amz-id-2': opt(text) },
            { requiredKeys: [] },
          ),
          fc.constant(null),
        ),
      ),
      tlsDetails: opt(fc.record({ tlsVersion: opt(text), cipherSuite: opt(text) }, { requiredKeys: [] })),
      insightDetails: opt(fc.record({ eventSource: opt(text), eventName: opt(text), state: fc.constant('Start') }, { requiredKeys: [] })),
      extra: fc.dictionary(extraKey, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 3 }),
    },
    { requiredKeys: ['extra'] },
  )
  .map(({ extra, ...r }) => ({ ...extra, ...r }) as Record<string, unknown>);

/** A string literal with some characters escaped that JSON.stringify would leave raw (`\u0041`, `\/`, surrogate pairs). */
function literal(str: string, rnd: () => number, probability: number): string {
  if (rnd() >= probability) return JSON.stringify(str);
  let out = '"';
  for (const ch of str) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\' || c < 0x20 || rnd() < 0.3) {
      if (ch === '/' && rnd() < 0.5) out += '\\/';
      else for (let i = 0; i < ch.length; i++) out += '\\u' + ch.charCodeAt(i).toString(16).padStart(4, '0');
    } else out += ch;
  }
  return out + '"';
}

/** Escaped keys send a record down the JSON.parse slow path; keep them rare so the fast path is tested too. */
const KEY_ESCAPES = 0.01;

/** Wanted-looking children a decoy holder carries, so a later duplicate must make them disappear. */
const DECOY_CHILDREN = {
  bucketName: 'decoy', key: 'decoy', type: 'decoy', arn: 'arn:aws:iam::999999999999:user/decoy', invokedBy: 'decoy.amazonaws.com',
  accessKeyId: 'AKIADECOY', tlsVersion: 'decoy', cipherSuite: 'decoy', bytesTransferredOut: 99, CipherSuite: 'decoy',
  eventName: 'decoy', eventSource: 'decoy', sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::999999999999:role/decoy', type: 'Role' } },
};

/**
 * JSON with random whitespace between tokens, optional escapes JSON.stringify would not write, and,
 * for some keys, an earlier duplicate holding a decoy value (JSON.parse keeps the last one).
 */
function serialize(v: unknown, rnd: () => number, pretty: boolean, dupes: boolean): string {
  const ws = () => (pretty ? [' ', '\n', '\t', '\r\n', '', '  '][Math.floor(rnd() * 6)] : '');
  const decoy = (val: unknown): unknown => {
    const r = rnd();
    if (r < 0.3) return 'decoy';
    if (r < 0.5) return { decoy: '"}' };
    return val !== null && typeof val === 'object' && !Array.isArray(val) ? { ...DECOY_CHILDREN } : { ...DECOY_CHILDREN, extra: val ?? null };
  };
  const go = (x: unknown, withDupes = dupes): string => {
    if (Array.isArray(x)) return `[${ws()}${x.map((e) => go(e, withDupes)).join(`${ws()},${ws()}`)}${ws()}]`;
    if (x !== null && typeof x === 'object') {
      const parts: string[] = [];
      for (const [k, val] of Object.entries(x)) {
        if (val === undefined) continue;
        if (withDupes && rnd() < 0.15) parts.push(`${literal(k, rnd, KEY_ESCAPES)}${ws()}:${ws()}${go(decoy(val), false)}`);
        parts.push(`${literal(k, rnd, dupes ? KEY_ESCAPES : 0)}${ws()}:${ws()}${go(val, withDupes)}`);
      }
      return `{${ws()}${parts.join(`${ws()},${ws()}`)}${ws()}}`;
    }
    return typeof x === 'string' ? literal(x, rnd, dupes ? 0.3 : 0) : JSON.stringify(x);
  };
  return go(v);
}

type Shape = 'records' | 'ndjson' | 'array' | 'eventbridge' | 'cloudwatch';

function build(shape: Shape, records: Record<string, unknown>[], seed: number, pretty: boolean): { text: string; expected: { at: number; o: Outcome }[] } {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const clean = (r: unknown) => JSON.parse(JSON.stringify(r)) as unknown;
  switch (shape) {
    case 'records':
      return {
        text: serialize({ Records: records }, rnd, pretty, true),
        expected: records.flatMap((r, i) => classify(clean(r), i, URI).map((o) => ({ at: i, o }))),
      };
    case 'array':
      return {
        text: serialize(records, rnd, pretty, true),
        expected: records.flatMap((r, i) => classify(clean(r), i, URI).map((o) => ({ at: i, o }))),
      };
    case 'ndjson':
      return {
        text: records.map((r) => serialize(r, rnd, false, true)).join('\n'),
        expected: records.flatMap((r, i) => classify(clean(r), i + 1, URI).map((o) => ({ at: i + 1, o }))),
      };
    case 'eventbridge': {
      const env = (r: unknown) => ({ version: '0', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', detail: r });
      return {
        text: records.map((r) => serialize(env(r), rnd, false, false)).join('\n'),
        expected: records.flatMap((r, i) => classify(clean(env(r)), i + 1, URI).map((o) => ({ at: i + 1, o }))),
      };
    }
    case 'cloudwatch': {
      const env = { messageType: 'DATA_MESSAGE', owner: '1', logEvents: records.map((r, i) => ({ id: String(i), timestamp: 0, message: serialize(r, rnd, false, true) })) };
      return { text: serialize(env, rnd, pretty, false), expected: classify(clean(env), 1, URI).map((o) => ({ at: 1, o })) };
    }
  }
}

function check(shape: Shape, records: Record<string, unknown>[], seed: number, pretty: boolean, chunks: number[]): void {
  const { text, expected } = build(shape, records, seed, pretty);
  const bytes = Buffer.from(text, 'utf8');
  const chunkSize = chunks[seed % chunks.length];
  const got = parseBytes(cloudTrailParser, bytes, { uri: URI, chunkSize, batchRows: 7 });
  const events = expected.filter((e) => e.o.kind === 'event');
  expect(got.rows.map((r) => normalizeActual(r))).toEqual(events.map((e) => (e.o as Extract<Outcome, { kind: 'event' }>).row));
  const expectedIssues = [
    ...expected.filter((e) => e.o.kind === 'skipped' || e.o.kind === 'unknown').map((e) => `${e.at}:${(e.o as { reason: string }).reason}`),
    ...events.filter((e) => (e.o as { missingTime: boolean }).missingTime).map((e) => `${e.at}:missing_event_time`),
    ...events.filter((e) => (e.o as { invalidTime: boolean }).invalidTime).map((e) => `${e.at}:invalid_event_time`),
  ];
  // invalid_utf8 cannot occur: every input here is valid UTF-8.
  expect(got.issues.map((i) => `${i.line ?? i.record}:${i.reason}`).sort()).toEqual(expectedIssues.sort());
  expect(got.counters.records).toBe(events.length);
}

const params = { numRuns: 400 };
const records = fc.array(record, { minLength: 1, maxLength: 6 });
const chunks = fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 4 });

describe('CloudTrail parser, property tests against the JSON.parse reference', () => {
  for (const shape of ['records', 'ndjson', 'array', 'eventbridge', 'cloudwatch'] as const) {
    it(`${shape}: random records parse back field for field`, () => {
      fc.assert(
        fc.property(records, fc.nat(), fc.boolean(), chunks, (rs, seed, pretty, cs) => check(shape, rs, seed, pretty, cs)),
        params,
      );
    });
  }
});
