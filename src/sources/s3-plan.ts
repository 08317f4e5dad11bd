/**
 * Command-line SOURCE arguments for the commands that read logs: local paths (listed in full,
 * filtered by `--since/--until` when their names follow a log key layout) and `s3://` prefixes
 * (S3Source: pruned listings; incremental from checkpoints when there is a state).
 */
import { listAll } from './index.js';
import { S3Source, type S3SourceOptions } from './s3.js';
import { keyTimeAnywhere } from './s3-layouts.js';
import { inWindow, type TimeWindow } from './s3-time.js';
import type { LogObject, S3ClientSettings } from './types.js';

const DAY = 86_400_000;

export interface SourcePlan {
  /** Objects listed in full this run (local paths; S3 prefixes when not incremental). */
  objects: AsyncIterable<LogObject>;
  /** S3 prefixes listed from their checkpoints (empty when not incremental). */
  incremental: S3Source[];
  s3: S3Source[];
}

export function planSources(args: readonly string[], settings: S3ClientSettings, opts: S3SourceOptions & { incremental: boolean }): SourcePlan {
  const local = args.filter((a) => !a.startsWith('s3://'));
  const s3 = args.filter((a) => a.startsWith('s3://')).map((a) => new S3Source(a, settings, opts));
  const window = opts.window ?? {};
  async function* objects(): AsyncGenerator<LogObject> {
    if (local.length) yield* inTimeWindow(listAll(local, settings), window);
    if (!opts.incremental) for (const src of s3) yield* src.list();
  }
  return { objects: objects(), incremental: opts.incremental ? s3 : [], s3 };
}

/** Local files named like log objects (a mirror of a log bucket) are pruned by the time in their name. */
async function* inTimeWindow(objects: AsyncIterable<LogObject>, w: TimeWindow): AsyncGenerator<LogObject> {
  if (w.since === undefined && w.until === undefined) {
    yield* objects;
    return;
  }
  for await (const o of objects) {
    const t = keyTimeAnywhere(o.uri);
    // A name at midnight may be an event-time partition: the whole day may hold events.
    if (inWindow(w, t, t !== undefined && t % DAY === 0 ? DAY : 0)) yield o;
  }
}
