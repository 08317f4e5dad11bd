import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceError } from '../../src/errors.js';
import { listAll } from '../../src/sources/index.js';

async function uris(args: string[]): Promise<string[]> {
  const out: string[] = [];
  for await (const o of listAll(args)) out.push(o.uri);
  return out;
}

describe('local sources', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'th-src-'));
  mkdirSync(path.join(dir, 'a/b'), { recursive: true });
  writeFileSync(path.join(dir, 'a/b/x.json.gz'), 'x');
  writeFileSync(path.join(dir, 'a/y.log'), 'y');
  writeFileSync(path.join(dir, 'z'), 'z');
  writeFileSync(path.join(dir, '.hidden'), 'h');
  writeFileSync(path.join(dir, 'README.md'), 'not a log, but listed: the parser reports it, nothing is skipped silently');

  it('walks directories recursively in a stable order, skipping hidden files', async () => {
    expect(await uris([dir])).toEqual([path.join(dir, 'README.md'), path.join(dir, 'a/b/x.json.gz'), path.join(dir, 'a/y.log'), path.join(dir, 'z')]);
  });

  it('expands globs and takes single files and stdin', async () => {
    expect(await uris([`${dir}/**/*.json.gz`])).toEqual([path.join(dir, 'a/b/x.json.gz')]);
    expect(await uris([path.join(dir, 'z'), '-'])).toEqual([path.join(dir, 'z'), '-']);
  });

  it('fails clearly on a missing path or an empty glob', async () => {
    await expect(uris([path.join(dir, 'missing')])).rejects.toThrow(SourceError);
    await expect(uris([`${dir}/**/*.nothing`])).rejects.toThrow(/no files match/);
  });
});
