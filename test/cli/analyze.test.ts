import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'th-analyze-cli-'));

describe('trailhound analyze (end to end on the bundled samples)', () => {
  it('prints NDJSON findings when stdout is not a terminal, with a run summary on stderr', async () => {
    const r = await runCli(['analyze', '--no-state']);
    expect(r.code, r.stderr).toBe(0);
    const findings = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(findings.length).toBeGreaterThan(10);
    expect(new Set(findings.map((f) => f.detector))).toEqual(new Set(['unusual-principal', 'volume-spike', 'insecure-transport', 's3-config-change']));
    for (const f of findings) {
      expect(f.id).toMatch(/^[0-9a-f]{32}$/);
      expect(f.evidence.samples.length).toBeGreaterThan(0);
    }
    const summary = r.stderr.split('\n').filter((l) => l.includes('"run summary"')).map((l) => JSON.parse(l))[0];
    expect(summary.summary).toMatchObject({ objects: expect.any(Number), records: expect.any(Number), findings: findings.length });
  });

  it('exits 3 with --fail-on when a finding reaches the severity, writes OCSF to --out, and only runs the chosen detectors', async () => {
    const out = path.join(tmp, 'findings.ocsf');
    const r = await runCli(['analyze', '--no-state', '--format', 'ocsf', '--out', out, '--detectors', 's3-config-change', '--fail-on', 'high', '--log-level', 'warn']);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toBe('');
    const ocsf = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(ocsf.every((o) => o.class_uid === 2004 && o.finding_info.analytic.uid === 's3-config-change')).toBe(true);
    const quiet = await runCli(['analyze', '--no-state', '--detectors', 'insecure-transport', '--fail-on', 'critical', '--log-level', 'warn']);
    expect(quiet.code).toBe(0);
  });

  it('keeps state: a second run over the same input gives the same finding ids', async () => {
    const state = path.join(tmp, 'state');
    const first = await runCli(['analyze', '--state', state, '--log-level', 'warn']);
    const second = await runCli(['analyze', '--state', state, '--log-level', 'warn']);
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    const ids = (s: string): string[] => s.trim().split('\n').map((l) => JSON.parse(l).id).sort();
    expect(ids(second.stdout)).toEqual(ids(first.stdout));
    expect(JSON.parse(readFileSync(path.join(state, 'state.json'), 'utf8')).format).toBe('trailhound-state');
  });

  it('rejects an invalid config with every problem and its path (exit 78)', async () => {
    const cfg = path.join(tmp, 'bad.json');
    writeFileSync(cfg, JSON.stringify({ detectors: { 'volume-spike': { severity: 'urgent', tunables: { windowMinutes: 'sixty' } } }, allow: { source_ips: ['not-an-ip'] } }));
    const r = await runCli(['analyze', '--no-state', '--config', cfg]);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/detectors\.volume-spike\.severity/);
    expect(r.stderr).toMatch(/detectors\.volume-spike\.tunables\.windowMinutes/);
    expect(r.stderr).toMatch(/allow\.source_ips\.0/);
  });

  it('refuses a corrupt state with a hint instead of starting over (exit 1)', async () => {
    const state = path.join(tmp, 'corrupt');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(state, { recursive: true });
    writeFileSync(path.join(state, 'state.json'), '{not json');
    const r = await runCli(['analyze', '--state', state]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/corrupt/);
    expect(r.stderr).toMatch(/hint:/);
  });
});

describe('analyze --report', () => {
  it('writes a self-contained HTML report next to the findings', async () => {
    const report = path.join(tmp, 'report.html');
    const r = await runCli(['analyze', '--no-state', '--report', report, '--log-level', 'warn']);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(report, 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('Content-Security-Policy');
    expect(html).not.toMatch(/(src|href)=["']https?:/);
    expect(html).toContain('<svg');
  });
});
