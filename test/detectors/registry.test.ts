import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DETECTORS } from '../../detectors/index.js';
import { configSchema, validateConfig } from '../../src/config.js';
import { SEVERITIES } from '../../src/detect/finding.js';

const detectorFiles = readdirSync(new URL('../../detectors/', import.meta.url)).filter((f) => f.endsWith('.ts') && f !== 'index.ts');

describe('detector registry', () => {
  it('lists every file in detectors/ exactly once, with ids equal to file stems', () => {
    const ids = DETECTORS.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(detectorFiles.map((f) => f.replace(/\.ts$/, '')).sort());
  });

  it('keeps metadata apart from logic and complete', () => {
    for (const d of DETECTORS) {
      expect(d.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(d.title.length).toBeGreaterThan(5);
      expect(d.description.length).toBeGreaterThan(20);
      expect(SEVERITIES).toContain(d.severity);
      expect(d.attack.length).toBeGreaterThan(0);
      for (const a of d.attack) expect(a.technique_id).toMatch(/^T\d{4}(\.\d{3})?$/);
      expect(d.falsePositives.length).toBeGreaterThan(0);
      expect(Number.isInteger(d.state.version)).toBe(true);
      expect(d.state.toJSON(d.state.create())).toBeDefined();
    }
  });

  it('round-trips every detector state through JSON', () => {
    for (const d of DETECTORS) {
      const json = JSON.parse(JSON.stringify(d.state.toJSON(d.state.create())));
      expect(JSON.parse(JSON.stringify(d.state.toJSON(d.state.fromJSON(json))))).toEqual(json);
    }
  });
});

describe('config validation', () => {
  it('accepts tunables of the right type and reports every problem with its path', () => {
    const d = DETECTORS[0];
    const [name, value] = Object.entries(d.tunables)[0];
    const ok = validateConfig({ detectors: { [d.id]: { enabled: true, severity: 'low', tunables: { [name]: value } } }, allow: { source_ips: ['203.0.113.0/24', '2001:db8::/32'] } }, DETECTORS);
    expect(ok.detectors[d.id].severity).toBe('low');
    let problems: string[] = [];
    try {
      validateConfig({ detectors: { [d.id]: { severity: 'urgent', tunables: { nope: 1 } }, 'no-such-detector': {} }, allow: { source_ips: ['300.1.1.1/8'] }, extra: true }, DETECTORS);
    } catch (err) {
      problems = (err as { problems: string[] }).problems;
    }
    expect(problems.some((p) => p.startsWith(`detectors.${d.id}.severity:`))).toBe(true);
    expect(problems.some((p) => p.startsWith(`detectors.${d.id}.tunables:`) || p.includes('nope'))).toBe(true);
    expect(problems.some((p) => p.includes('no-such-detector'))).toBe(true);
    expect(problems.some((p) => p.startsWith('allow.source_ips.0:'))).toBe(true);
    expect(problems.some((p) => p.includes('extra'))).toBe(true);
    expect(configSchema(DETECTORS)).toBeDefined();
  });
});

describe('docs/detectors.md', () => {
  it('is generated from the detector metadata and up to date', async () => {
    const { readFileSync } = await import('node:fs');
    const { renderDetectorDocs } = await import('../../src/detect/docs.js');
    const file = readFileSync(new URL('../../docs/detectors.md', import.meta.url), 'utf8');
    expect(file, 'run: npx tsx src/cli.ts detectors --markdown > docs/detectors.md').toBe(renderDetectorDocs(DETECTORS));
  });
});
