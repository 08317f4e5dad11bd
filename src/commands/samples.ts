import { generateSamples } from '../samples/generate.js';
import { ConfigError } from '../errors.js';
import type { CommandOutcome } from './outcome.js';

export interface SamplesOptions {
  out: string;
  days: string;
  seed: string;
  start?: string;
  gzipAccessLogs?: boolean;
}

export async function run(o: SamplesOptions): Promise<CommandOutcome> {
  const days = Number(o.days);
  const seed = Number(o.seed);
  if (!Number.isInteger(days) || days < 1 || days > 366) throw new ConfigError('--days must be an integer from 1 to 366');
  if (!Number.isInteger(seed)) throw new ConfigError('--seed must be an integer');
  const start = o.start ? new Date(o.start) : undefined;
  if (start && Number.isNaN(start.getTime())) throw new ConfigError(`--start is not a date: ${o.start}`);
  const summary = await generateSamples({ out: o.out, days, seed, start, accessLogGzip: o.gzipAccessLogs });
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  return {};
}
