import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { FIXTURES, S3ACCESS_FIXTURES } from '../helpers/fixtures.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'th-cli-'));

describe('trailhound CLI', () => {
  it('has --help on every command', async () => {
    for (const cmd of [[], ['stats'], ['convert'], ['analyze'], ['samples']]) {
      const r = await runCli([...cmd, '--help']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/Usage: trailhound/);
    }
  });

  it('exits 64 on a usage error', async () => {
    const r = await runCli(['stats', '--no-such-option']);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/unknown option/);
  });

  it('summarises logs with stats (JSON), exit 0 when every record parsed', async () => {
    const r = await runCli(['stats', S3ACCESS_FIXTURES, '--format', 'json', '--log-level', 'warn']);
    expect(r.code, r.stderr).toBe(0);
    const stats = JSON.parse(r.stdout);
    const lines = readFileSync(path.join(S3ACCESS_FIXTURES, 'dandi-s3-log-extraction.log'), 'utf8').split('\n').filter((l) => l.trim()).length;
    expect(stats.recordsByKind.s3access).toBeGreaterThanOrEqual(lines);
    expect(stats.top.buckets[0].key).toBe('dandiarchive');
    expect(stats.run.issues).toBe(0);
  });

  it('reads stdin with -', async () => {
    const input = readFileSync(path.join(S3ACCESS_FIXTURES, 'awsdocs-s3-userguide-2023.log'));
    const r = await runCli(['stats', '-', '--format', 'json', '--log-level', 'warn'], { input });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).records).toBe(5);
  });

  it('exits 2 when some input could not be parsed, and 1 with --strict', async () => {
    const dir = mkdtempSync(path.join(tmp, 'partial-'));
    writeFileSync(path.join(dir, 'good.log'), readFileSync(path.join(S3ACCESS_FIXTURES, 'awsdocs-s3-userguide-2023.log')));
    writeFileSync(path.join(dir, 'bad.json'), '{"Records":[{"eventName":"GetObject","eventTime":"2024-01-01T00:00:00Z"},{"eventName":');
    const r = await runCli(['stats', dir, '--format', 'json', '--log-level', 'silent']);
    expect(r.code).toBe(2);
    const stats = JSON.parse(r.stdout);
    expect(stats.records).toBe(6);
    expect(stats.run.issues_by_reason.malformed_json).toBe(1);
    const strict = await runCli(['stats', dir, '--strict', '--workers', '1', '--log-level', 'silent']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/--strict/);
  });

  it('converts every fixture into one Arrow IPC stream', async () => {
    const out = path.join(tmp, 'events.arrow');
    const r = await runCli(['convert', FIXTURES, '--to', out, '--log-level', 'silent']);
    expect(r.code).toBe(2); // the fixtures include non-events that are reported
    const table = tableFromIPC(readFileSync(out));
    expect(table.numRows).toBeGreaterThan(4000);
    expect(table.schema.fields.map((f) => f.name)).toContain('principal');
  });

  it('fails clearly on a missing source', async () => {
    const r = await runCli(['stats', path.join(tmp, 'nope'), '--log-level', 'silent']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no such file or directory/);
  });
});
