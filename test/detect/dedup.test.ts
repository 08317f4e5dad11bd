import { describe, expect, it } from 'vitest';
import { Deduplicator } from '../../src/detect/dedup.js';
import { ct, ctFile, sal } from '../detectors/events.js';
import { cloudTrailParser } from '../../parsers/cloudtrail.js';
import { s3AccessParser } from '../../parsers/s3-access.js';
import { parseBytes } from '../helpers/parse.js';

describe('Deduplicator', () => {
  it('drops a CloudTrail event delivered twice (same eventID), in any batch', () => {
    const [a, b] = [ct({ key: 'x' }), ct({ key: 'y' })];
    const first = parseBytes(cloudTrailParser, Buffer.from(ctFile([a, b]))).table.batches[0];
    const again = parseBytes(cloudTrailParser, Buffer.from(ctFile([b]))).table.batches[0];
    const d = new Deduplicator();
    expect(d.select(first).length).toBe(2);
    expect(d.select(again).length).toBe(0);
    expect(d.duplicates).toBe(1);
  });

  it('drops a repeated access-log line but keeps the keys of one multi-object delete apart', () => {
    const line = sal({ requestId: 'REQ1' });
    const del = (key: string): string => sal({ requestId: 'DEL1', operation: 'BATCH.DELETE.OBJECT', key }).replace(/ \S+= SigV4/, ' HOSTSAME= SigV4');
    const text = [line, line, del('a'), del('b'), del('b')].join('\n');
    const batch = parseBytes(s3AccessParser, Buffer.from(text)).table.batches[0];
    const d = new Deduplicator();
    expect(Array.from(d.select(batch))).toEqual([0, 2, 3]);
  });

  it('forgets the oldest hours beyond maxKeys and counts it', () => {
    const records = Array.from({ length: 30 }, (_, i) => ct({ time: Date.UTC(2026, 2, 10, i % 24), key: `k${i}` }));
    const batch = parseBytes(cloudTrailParser, Buffer.from(ctFile(records))).table.batches[0];
    const d = new Deduplicator(10);
    expect(d.select(batch).length).toBe(30);
    expect(d.evictedKeys).toBeGreaterThan(0);
  });
});
