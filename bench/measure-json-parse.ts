/**
 * (a) The reference: per CloudTrail file, read, gunzipSync, decode to a string and JSON.parse,
 * counting the `Records` entries. One thread.
 *
 *   node --import tsx bench/measure-json-parse.ts DATA_DIR
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { childArgs, cloudTrailDir, report, timed } from './common.js';

const args = childArgs();
const dir = cloudTrailDir(args);
const files = readdirSync(dir, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith('.json.gz'))
  .map((e) => path.join(e.parentPath, e.name))
  .sort();

const [{ bytes, records }, seconds] = await timed(() => {
  let bytes = 0;
  let records = 0;
  for (const f of files) {
    const raw = gunzipSync(readFileSync(f));
    bytes += raw.length;
    const doc = JSON.parse(raw.toString('utf8')) as { Records: unknown[] };
    records += doc.Records.length;
  }
  return { bytes, records };
});
if (records !== args.manifest.cloudtrail.records) throw new Error(`JSON.parse saw ${records} records, manifest says ${args.manifest.cloudtrail.records}`);
report({ bytes, records, seconds });
