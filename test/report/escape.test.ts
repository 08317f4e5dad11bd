/**
 * The report's escaping rules and page shell, on hostile strings, without a browser: text and
 * attribute escaping, JSON data blocks that `</script>` cannot end, one script allowed by hash.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { anchorId, html, scriptJson } from '../../src/report/escape.js';
import { renderReport } from '../../src/report/findings-report.js';
import { CSP } from '../../src/report/page.js';
import { seriesChart } from '../../src/report/svg-chart.js';
import { hostileFindings, IMG, MORE, SCRIPT } from './hostile.js';

describe('escaping', () => {
  it('html(): no markup character survives, in text or in a double-quoted attribute', () => {
    expect(html(IMG)).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(html(SCRIPT)).toBe('&lt;/script&gt;&lt;script&gt;window.pwned=1&lt;/script&gt;');
    expect(html('"><svg onload=alert(2)>')).toBe('&quot;&gt;&lt;svg onload=alert(2)&gt;');
    expect(html("' onmouseover='x")).toBe('&#39; onmouseover=&#39;x');
    expect(html('&lt;')).toBe('&amp;lt;');
    expect(html(null)).toBe('');
  });

  it('scriptJson(): < > & U+2028 U+2029 become \\u escapes and JSON.parse restores them', () => {
    const value = { a: SCRIPT, b: IMG, c: MORE, d: '<!--', big: 12n };
    const text = scriptJson(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(text).toContain('\\u003c/script\\u003e');
    expect(JSON.parse(text)).toEqual({ ...value, big: '12' });
  });

  it('anchors are made of safe characters only', () => {
    expect(anchorId('f', 'ab12')).toBe('f-ab12');
    expect(anchorId('f', '"><x')).toBe('f-____x'.replace('____', '___'));
  });
});

describe('the report page (markup)', () => {
  const page = renderReport({ findings: hostileFindings(), summary: { objects: 2, records: 10, issues: 0, records_by_kind: { s3access: 10 } }, sources: [IMG] });

  it('no log-derived string appears unescaped', () => {
    // (quotes alone are harmless inside the JSON data block; in attributes they are entities)
    for (const s of [IMG, SCRIPT, ...MORE.filter((m) => /[<>]/.test(m))]) expect(page).not.toContain(s);
    const markup = page.replace(/<script type="application\/json"[^>]*>[\s\S]*?<\/script>/g, '');
    for (const m of MORE) if (/["']/.test(m)) expect(markup).not.toContain(m);
    expect(page).not.toMatch(/<img\b/i);
    expect(page).not.toMatch(/onerror=alert\(1\)>/);
    expect(page.match(/<script\b/gi)).toHaveLength(2); // the JSON data block and the page script
    expect(page.match(/<\/script>/gi)).toHaveLength(2);
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('a strict CSP: nothing loads from anywhere; the one script is allowed by its hash', () => {
    expect(CSP).toMatch(/^default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-[A-Za-z0-9+/=]+'; img-src data:/);
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="${html(CSP)}">`);
    const script = /<script>([\s\S]*?)<\/script>/.exec(page)![1];
    expect(CSP).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
    expect(page).not.toMatch(/\b(src|href)="(https?:)?\/\//i);
    expect(page).not.toMatch(/url\(/i);
  });

  it('charts: one SVG per finding with a series, a dot per point, the band where known', () => {
    const [spike, transport] = hostileFindings();
    const svg = seriesChart(spike.series!, spike.window, 'x');
    expect(svg.match(/<circle /g)).toHaveLength(spike.series!.points.length);
    expect(svg).toMatch(/<path class="band" d="M[\d.,L]+Z">/);
    expect(svg).toMatch(/<circle class="pt hot" cx="[\d.]+" cy="[\d.]+"/);
    expect(seriesChart(transport.series!, transport.window, 'y').match(/<circle /g)).toHaveLength(24);
    expect(page.match(/<svg /g)).toHaveLength(2);
    expect(seriesChart({ metric: 'requests', step_ms: 3_600_000, points: [] }, spike.window, 'z')).toBe('');
  });
});
