import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { RecordBatchStreamWriter } from 'apache-arrow';
import { ConfigError } from '../errors.js';
import { log } from '../log.js';
import { Progress } from '../progress.js';
import { EVENT_SCHEMA } from '../schema.js';
import { startIngest, type ReadOptions } from './common.js';
import type { CommandOutcome } from './outcome.js';

export interface ConvertOptions extends ReadOptions {
  to?: string;
}

/** Writes the events of the sources as one Arrow IPC stream (`-` for stdout). */
export async function run(sources: string[], o: ConvertOptions): Promise<CommandOutcome> {
  if (!o.to) throw new ConfigError('convert needs --to FILE (Arrow IPC stream; - for stdout)');
  const { batches, summary } = startIngest(sources, o);
  const out = o.to === '-' ? process.stdout : createWriteStream(o.to);
  const writer = new RecordBatchStreamWriter();
  const bytes = writer.toNodeStream();
  bytes.pipe(out, { end: out !== process.stdout });
  const done = out === process.stdout ? once(bytes, 'end') : once(out, 'finish');
  const progress = new Progress(summary).start();
  try {
    writer.reset(undefined, EVENT_SCHEMA);
    for await (const batch of batches) {
      writer.write(batch);
      if (out.writableNeedDrain) await once(out, 'drain');
    }
  } finally {
    progress.stop();
    writer.finish();
  }
  await done;
  log().info({ summary: summary.toJSON(), to: o.to }, 'convert done');
  return { partial: summary.issueCount > 0 };
}
