/**
 * Streaming: a ~200 MB `{"Records":[…]}` document, generated chunk by chunk and never held whole,
 * is parsed with memory that does not grow with the input.
 */
import { describe, expect, it } from 'vitest';
import { EventBatchBuilder } from '../../src/arrow/batch-builder.js';
import { createCloudTrailParser } from '../../parsers/cloudtrail.js';
import type { ObjectCounters } from '../../parsers/types.js';

const TOTAL = 200 * 1000 * 1000;
const CHUNK = 1 << 20;

/** Sixty-four distinct serialised records (S3 data and management events, some unicode and escapes). */
function templates(): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < 64; i++) {
    const s3 = i % 3 !== 0;
    const record = {
      eventVersion: '1.09',
      userIdentity: {
        type: 'AssumedRole',
        principalId: `AROAEXAMPLE${i}:session-${i % 7}`,
        arn: `arn:aws:sts::111122223333:assumed-role/Role${i % 5}/session-${i % 7}`,
        accountId: '111122223333',
        accessKeyId: `ASIAEXAMPLE${i}`,
        sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::111122223333:role/path/Role${i % 5}` }, attributes: { mfaAuthenticated: 'false' } },
      },
      eventTime: `2024-06-${String(1 + (i % 28)).padStart(2, '0')}T12:${String(i % 60).padStart(2, '0')}:00Z`,
      eventSource: s3 ? 's3.amazonaws.com' : 'iam.amazonaws.com',
      eventName: s3 ? 'GetObject' : 'PutUserPolicy',
      awsRegion: 'eu-west-1',
      sourceIPAddress: `198.51.100.${i}`,
      userAgent: i % 4 === 0 ? '[aws-cli/2.15.30 "quoted" \\ path]' : `[aws-sdk-java/1.12.${i}]`,
      requestParameters: s3
        ? { bucketName: `bucket-${i % 4}`, key: `data/caf\u00e9/\u65e5\u672c/part-${i}.parquet`, Host: 'bucket.s3.eu-west-1.amazonaws.com' }
        : { userName: 'u', policyName: 'p', policyDocument: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) },
      responseElements: null,
      additionalEventData: s3 ? { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', bytesTransferredIn: 0, bytesTransferredOut: 1000 + i, 'x-amz-id-2': 'x'.repeat(60) } : undefined,
      requestID: `REQ${i}`,
      eventID: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
      readOnly: s3,
      resources: [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::bucket-${i % 4}/data/part-${i}` }],
      eventType: 'AwsApiCall',
      recipientAccountId: '111122223333',
      tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: 'h' },
    };
    out.push(Buffer.from(JSON.stringify(record), 'utf8'));
  }
  return out;
}

/** Yields the document in ~1 MiB chunks; each record is cut wherever a chunk boundary falls. */
function* document(total: number): Generator<{ chunk: Buffer; records: number }> {
  const parts = templates();
  const comma = Buffer.from(',');
  let pending: Buffer[] = [Buffer.from('{"Records":[')];
  let size = pending[0].length;
  let produced = 0;
  let n = 0;
  let records = 0;
  while (produced + size < total) {
    if (n > 0) pending.push(comma);
    const p = parts[n++ % parts.length];
    pending.push(p);
    size += p.length + 1;
    records++;
    if (size >= CHUNK) {
      const all = Buffer.concat(pending);
      const cut = Math.min(all.length, CHUNK - 17);
      yield { chunk: all.subarray(0, cut), records: 0 };
      produced += cut;
      pending = [all.subarray(cut)];
      size = all.length - cut;
    }
  }
  pending.push(Buffer.from(']}'));
  yield { chunk: Buffer.concat(pending), records };
}

describe('CloudTrail parser memory', () => {
  it('streams a 200 MB Records document with bounded memory', () => {
    const builder = new EventBatchBuilder(32_768);
    const counters: ObjectCounters = { records: 0, digests: 0, skipped: 0 };
    let rows = 0;
    const issues: string[] = [];
    const parser = createCloudTrailParser({
      uri: 'mem://big.json',
      builder,
      counters,
      emitBatch: (b) => {
        rows += b.numRows;
      },
      issue: (i) => issues.push(i.reason),
    });
    const base = process.memoryUsage();
    let peakHeap = 0;
    let peakBuffers = 0;
    let fed = 0;
    let expected = 0;
    let k = 0;
    for (const { chunk, records } of document(TOTAL)) {
      parser.push(chunk);
      fed += chunk.length;
      expected += records;
      if (k++ % 8 === 0) {
        const m = process.memoryUsage();
        peakHeap = Math.max(peakHeap, m.heapUsed - base.heapUsed);
        peakBuffers = Math.max(peakBuffers, m.arrayBuffers - base.arrayBuffers);
      }
    }
    parser.end();
    if (!builder.isEmpty) rows += builder.flush().numRows;
    expect(fed).toBeGreaterThan(TOTAL * 0.99);
    expect(issues).toEqual([]);
    expect(counters.records).toBe(expected);
    expect(rows).toBe(expected);
    expect(peakHeap).toBeLessThan(100 * 1024 * 1024);
    // Column buffers of one batch plus the carried record, not the input.
    expect(peakBuffers).toBeLessThan(150 * 1024 * 1024);
  }, 60_000);
});
