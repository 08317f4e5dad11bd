import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DataType, TimeUnit } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { C, COLUMNS, COLUMN_NAMES, EVENT_SCHEMA } from '../src/schema.js';
import { REPO } from './helpers/cli.js';

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

describe('event schema', () => {
  it('is one Arrow schema with the documented column kinds', () => {
    expect(EVENT_SCHEMA.fields.map((f) => f.name)).toEqual(COLUMN_NAMES);
    const time = EVENT_SCHEMA.fields.find((f) => f.name === C.time)!.type;
    expect(DataType.isTimestamp(time)).toBe(true);
    expect((time as unknown as { unit: TimeUnit; timezone: string }).unit).toBe(TimeUnit.MILLISECOND);
    expect((time as unknown as { timezone: string }).timezone).toBe('UTC');
    for (const name of [C.action, C.principal, C.bucket, C.region, C.error_code, C.tls_version, C.log_kind]) {
      expect(DataType.isDictionary(EVENT_SCHEMA.fields.find((f) => f.name === name)!.type), name).toBe(true);
    }
    const ids = EVENT_SCHEMA.fields.filter((f) => DataType.isDictionary(f.type)).map((f) => (f.type as unknown as { id: number }).id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(COLUMNS.length).toBe(COLUMN_NAMES.length);
  });

  it('is the only module that spells column names: others use C.<name>', () => {
    const accessor = new RegExp(`(getChild|dict|str|num|bool|timeColumn|dictColumn|column)\\(\\s*(batch\\s*,\\s*)?['"\`](${COLUMN_NAMES.join('|')})['"\`]`);
    const colsIndex = new RegExp(`cols\\[['"\`](${COLUMN_NAMES.join('|')})['"\`]\\]`);
    const offenders: string[] = [];
    for (const dir of ['src', 'parsers', 'detectors']) {
      for (const file of tsFiles(path.join(REPO, dir))) {
        if (file.endsWith(path.join('src', 'schema.ts'))) continue;
        readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
          if (accessor.test(line) || colsIndex.test(line)) offenders.push(`${path.relative(REPO, file)}:${i + 1}: ${line.trim()}`);
        });
      }
    }
    expect(offenders).toEqual([]);
  });
});
