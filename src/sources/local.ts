/**
 * Local sources: files, directories (recursive), globs and `-` for stdin.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { glob, isDynamicPattern } from 'tinyglobby';
import { SourceError } from '../errors.js';
import type { LogObject, ObjectRef, Source } from './types.js';

async function* walk(dir: string): AsyncGenerator<string> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(full);
    else if (e.isFile()) yield full;
  }
}

async function toObject(file: string): Promise<LogObject> {
  const s = await stat(file);
  return { uri: file, size: s.size, lastModified: s.mtime, ref: { kind: 'file', path: file } };
}

export class LocalSource implements Source {
  constructor(readonly description: string) {}

  async *list(): AsyncGenerator<LogObject> {
    const arg = this.description;
    if (arg === '-') {
      yield { uri: '-', ref: { kind: 'stdin' } };
      return;
    }
    if (isDynamicPattern(arg)) {
      const files = await glob(arg, { onlyFiles: true, dot: false, expandDirectories: false, absolute: path.isAbsolute(arg) });
      files.sort();
      if (files.length === 0) throw new SourceError(`no files match ${arg}`);
      for (const f of files) yield toObject(f);
      return;
    }
    let s;
    try {
      s = await stat(arg);
    } catch {
      throw new SourceError(`no such file or directory: ${arg}`);
    }
    if (s.isDirectory()) {
      for await (const f of walk(arg)) yield toObject(f);
    } else {
      yield toObject(arg);
    }
  }
}

export async function openLocal(ref: ObjectRef): Promise<Readable> {
  if (ref.kind === 'stdin') return process.stdin;
  if (ref.kind === 'file') return createReadStream(ref.path, { highWaterMark: 1 << 20 });
  throw new SourceError(`not a local object: ${ref.kind}`);
}
