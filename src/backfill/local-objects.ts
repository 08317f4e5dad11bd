/**
 * After a local backfill, the log objects it counted whole: loaded, with every event inside the
 * range. Recorded in the state like analyze records the objects it read (size and modification
 * time), so an `analyze` over the same files afterwards replays them — evaluates, never counts them
 * into the baselines a second time. An object straddling the range is not recorded (analyze would
 * count it whole; its events inside the range then count twice — narrow ranges at object edges only).
 */
import type { Vector } from 'apache-arrow';
import { EVENTS_TABLE, SOURCES_TABLE, type LocalDb } from '../query/local-db.js';
import type { ObjectMark } from '../state/types.js';

const COUNTED_SQL = `
SELECT s.uri, s.size, s.modified
FROM ${SOURCES_TABLE} s
JOIN (SELECT origin_uri, min("time") AS first_time, max("time") AS last_time FROM ${EVENTS_TABLE} GROUP BY origin_uri) e
  ON e.origin_uri = s.uri
WHERE e.first_time >= ? AND e.last_time < ?`;

export async function objectsCountedWhole(db: LocalDb, since: Date, until: Date): Promise<Record<string, ObjectMark>> {
  const { batches } = await db.query(COUNTED_SQL, [
    { type: 'timestamp', value: since },
    { type: 'timestamp', value: until },
  ]);
  const out: Record<string, ObjectMark> = {};
  for await (const b of batches) {
    const [uri, size, modified] = ['uri', 'size', 'modified'].map((c) => b.getChild(c) as Vector);
    for (let r = 0; r < b.numRows; r++) {
      const s: unknown = size.get(r);
      const m: unknown = modified.get(r);
      out[String(uri.get(r))] = {
        ...(s !== null && s !== undefined ? { size: Number(s) } : {}),
        ...(m !== null && m !== undefined ? { modified: new Date(m instanceof Date ? m.getTime() : Number(m)).toISOString() } : {}),
      };
    }
  }
  return out;
}
