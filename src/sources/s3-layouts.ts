/**
 * The key layouts of log buckets (FORMATS.md §1.9, §2.1, §4): which keys of a listing stream are
 * log objects, the time each key encodes, and the synthetic `StartAfter` key for a point in time.
 *
 * A stream is one prefix whose keys sort by the time they encode:
 * - `cloudtrail`: `…AWSLogs/[o-id/]<acct>/CloudTrail/<region>/`, keys `YYYY/MM/DD/<acct>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<uniq>.json.gz`
 *   (delivery time, minute precision). Digest and Insight files live under sibling prefixes and are never part of a stream.
 * - `access-simple`: `<DestinationPrefix>`, keys `YYYY-MM-DD-hh-mm-ss-<uniq>` (delivery time, second precision).
 * - `access-partitioned`: `<DestinationPrefix><acct>/<region>/<bucket>/`, keys `YYYY/MM/DD/YYYY-MM-DD-hh-mm-ss-<uniq>`.
 *   With PartitionDateSource=EventTime the time is always `00-00-00` and the date is the event day, so late
 *   objects land in past day folders; `eventMode` positions the listing at the start of a day folder instead.
 * - `plain`: anything else under a prefix; keys carry no time, every key is a candidate.
 */

export type LayoutName = 'cloudtrail' | 'access-simple' | 'access-partitioned' | 'plain';

export interface StreamSpec {
  bucket: string;
  /** Key prefix of the stream; every key of the stream starts with it. */
  root: string;
  layout: LayoutName;
  account?: string;
  region?: string;
  org?: string;
  /** Source bucket of partitioned access logs. */
  sourceBucket?: string;
}

export function streamId(s: Pick<StreamSpec, 'bucket' | 'root'>): string {
  return `s3://${s.bucket}/${s.root}`;
}

const CT_KEY = /^(\d{4})\/(\d{2})\/(\d{2})\/(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_[A-Za-z0-9]+\.json\.gz$/;
const SIMPLE_KEY = /^(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-[A-Za-z0-9]+$/;
const SIMPLE_TAIL = /(?:^|[^0-9])(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-[A-Za-z0-9]+$/;
const PARTITIONED_KEY = /^(\d{4})\/(\d{2})\/(\d{2})\/(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-[A-Za-z0-9]+$/;

/** A stream root found inside a longer prefix (a user may point below the root). */
export const CT_ROOT = /^(.*?)AWSLogs\/(?:(o-[a-z0-9]+)\/)?(\d{12})\/CloudTrail\/([a-z0-9-]+)\//;
export const PARTITIONED_ROOT = /^(.*?)(\d{12})\/([a-z0-9-]+)\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(?=\d{4}\/)/;

function utc(y: string, mo: string, d: string, h = '00', mi = '00', s = '00'): number | undefined {
  const t = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
  const back = new Date(t);
  // Reject impossible dates (2026-02-31) rather than letting Date roll them over.
  if (back.getUTCDate() !== +d || back.getUTCMonth() !== +mo - 1 || +h > 23 || +mi > 59 || +s > 59) return undefined;
  return t;
}

const p2 = (n: number): string => String(n).padStart(2, '0');

function parts(t: number): { Y: string; M: string; D: string; h: string; m: string; s: string } {
  const d = new Date(t);
  return { Y: String(d.getUTCFullYear()).padStart(4, '0'), M: p2(d.getUTCMonth() + 1), D: p2(d.getUTCDate()), h: p2(d.getUTCHours()), m: p2(d.getUTCMinutes()), s: p2(d.getUTCSeconds()) };
}

/** The time a stream key encodes (epoch ms), or undefined when the key is not a log object of the stream. */
export function keyTime(stream: StreamSpec, key: string): number | undefined {
  if (!key.startsWith(stream.root)) return undefined;
  const rel = key.slice(stream.root.length);
  switch (stream.layout) {
    case 'cloudtrail': {
      const m = CT_KEY.exec(rel);
      if (!m || m[4] !== stream.account || m[5] !== stream.region) return undefined;
      if (m[1] !== m[6] || m[2] !== m[7] || m[3] !== m[8]) return undefined;
      return utc(m[6], m[7], m[8], m[9], m[10]);
    }
    case 'access-simple': {
      const m = SIMPLE_KEY.exec(rel);
      return m ? utc(m[1], m[2], m[3], m[4], m[5], m[6]) : undefined;
    }
    case 'access-partitioned': {
      const m = PARTITIONED_KEY.exec(rel);
      if (!m || m[1] !== m[4] || m[2] !== m[5] || m[3] !== m[6]) return undefined;
      return utc(m[4], m[5], m[6], m[7], m[8], m[9]);
    }
    case 'plain':
      return undefined;
  }
}

/** Whether a key belongs to the stream's log objects (plain streams take every non-folder key). */
export function isLogKey(stream: StreamSpec, key: string): boolean {
  if (key.endsWith('/')) return false;
  return stream.layout === 'plain' ? key.startsWith(stream.root) : keyTime(stream, key) !== undefined;
}

/**
 * The greatest synthetic key that sorts before every log key at or after `t`: a `StartAfter` that
 * lists the stream from time `t`. `eventMode` (partitioned access logs delivered by event time)
 * positions at the start of `t`'s day folder. Undefined for plain streams.
 */
export function startKeyAt(stream: StreamSpec, t: number, eventMode = false): string | undefined {
  const { Y, M, D, h, m, s } = parts(t);
  switch (stream.layout) {
    case 'cloudtrail':
      return `${stream.root}${Y}/${M}/${D}/${stream.account}_CloudTrail_${stream.region}_${Y}${M}${D}T${h}${m}Z`;
    case 'access-simple':
      return `${stream.root}${Y}-${M}-${D}-${h}-${m}-${s}`;
    case 'access-partitioned':
      return eventMode ? `${stream.root}${Y}/${M}/${D}/` : `${stream.root}${Y}/${M}/${D}/${Y}-${M}-${D}-${h}-${m}-${s}`;
    case 'plain':
      return undefined;
  }
}

/**
 * Partitioned access logs delivered by event time name every object `…-00-00-00-<uniq>`; a key
 * with another time of day means delivery time. (A delivery at exactly midnight only makes one
 * run list a little more.)
 */
export function looksEventTime(stream: StreamSpec, key: string | undefined): boolean {
  if (stream.layout !== 'access-partitioned' || key === undefined) return false;
  const t = keyTime(stream, key);
  return t !== undefined && t % 86_400_000 === 0;
}

/** The stream a key of a local mirror or an S3 bucket belongs to, found from the key alone (for --since/--until on any path). */
export function keyTimeAnywhere(key: string): number | undefined {
  const path = key.replace(/\\/g, '/');
  const ct = CT_ROOT.exec(path);
  if (ct) return keyTime({ bucket: '', root: ct[0], layout: 'cloudtrail', account: ct[3], region: ct[4] }, path);
  const pt = PARTITIONED_ROOT.exec(path);
  if (pt) {
    const t = keyTime({ bucket: '', root: pt[0], layout: 'access-partitioned' }, path);
    if (t !== undefined) return t;
  }
  // Simple layout: the name ends with the time and a unique string (a DestinationPrefix may be glued to it).
  const name = path.slice(path.lastIndexOf('/') + 1);
  const m = SIMPLE_TAIL.exec(name);
  return m ? utc(m[1], m[2], m[3], m[4], m[5], m[6]) : undefined;
}

/** Byte-order comparison, as S3 sorts keys (UTF-8 binary order); plain comparison for ASCII keys, which agrees. */
export function compareKeys(a: string, b: string): number {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(a) && /^[\x00-\x7f]*$/.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function maxKey(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareKeys(a, b) >= 0 ? a : b;
}
