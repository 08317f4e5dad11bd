/**
 * Resolves command-line SOURCE arguments into sources and one stream of log objects.
 */
import { LocalSource } from './local.js';
import type { LogObject, S3ClientSettings, Source } from './types.js';

export function resolveSource(arg: string, s3: S3ClientSettings = {}): Source | Promise<Source> {
  if (arg.startsWith('s3://')) return import('./s3.js').then(({ S3Source }) => new S3Source(arg, s3));
  return new LocalSource(arg);
}

export async function* listAll(args: readonly string[], s3: S3ClientSettings = {}): AsyncGenerator<LogObject> {
  for (const arg of args) {
    const source = await resolveSource(arg, s3);
    yield* source.list();
  }
}
