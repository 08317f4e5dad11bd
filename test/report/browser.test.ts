/**
 * The HTML reports in a real browser (Debian's headless Chromium through playwright-core), opened
 * from file:// URLs: no console error, no network request, charts with data points, sorting and
 * filtering, and hostile log strings shown as text without running anything.
 *
 * `UPDATE_SCREENSHOT=1 npx vitest run test/report/browser.test.ts` also writes docs/report.png.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReport } from '../../src/report/findings-report.js';
import { packageRoot } from '../../src/paths.js';
import { run as runQuery } from '../../src/commands/query.js';
import { Writable } from 'node:stream';
import { hostileFindings, IMG, SCRIPT } from './hostile.js';
import { sampleReport, type SampleRun } from './sample-report.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let browser: Browser;
let tmp: string;
let sample: SampleRun;
const files: Record<string, string> = {};

interface Watched {
  page: Page;
  errors: string[];
  requests: string[];
  dialogs: string[];
}

async function open(file: string, viewport = { width: 1280, height: 900 }): Promise<Watched> {
  const page = await browser.newPage({ viewport });
  const w: Watched = { page, errors: [], requests: [], dialogs: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') w.errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => w.errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith('file:') && !url.startsWith('data:')) w.requests.push(url);
  });
  page.on('dialog', (d) => {
    w.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return w;
}

// Browser-side code is passed as text: this project compiles without the DOM library.
async function visibleRows(page: Page, box = '[data-table="findings-data"]'): Promise<string[][]> {
  return page.evaluate(`Array.from(document.querySelectorAll(${JSON.stringify(`${box} tbody tr`)}), (tr) => Array.from(tr.children, (td) => td.innerText))`) as Promise<string[][]>;
}

function count(page: Page, selector: string): Promise<number> {
  return page.evaluate(`document.querySelectorAll(${JSON.stringify(selector)}).length`) as Promise<number>;
}

const pwned = (page: Page): Promise<unknown> => page.evaluate('window.pwned');
const toBottom = (page: Page): Promise<unknown> => page.evaluate('window.scrollTo(0, document.body.scrollHeight)');

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'trailhound-report-'));
  [browser, sample] = await Promise.all([chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS }), sampleReport()]);
  files.sample = path.join(tmp, 'sample.html');
  writeFileSync(files.sample, sample.html);
  files.hostile = path.join(tmp, 'hostile.html');
  writeFileSync(files.hostile, renderReport({ findings: hostileFindings(), summary: { objects: 1, records: 3, issues: 0 }, sources: [IMG, SCRIPT] }));
  files.query = path.join(tmp, 'query.html');
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  await runQuery('SELECT ? AS user_agent, ? AS object_key, 3 AS n UNION ALL SELECT ?, ?, 1', [], { db: path.join(tmp, 'q.duckdb'), arg: [IMG, SCRIPT, SCRIPT, IMG], report: files.query, format: 'ndjson' }, { stdout: sink });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('the sample report (analyze over samples/)', () => {
  it('loads from a file with no console error and no network request', async () => {
    const w = await open(files.sample);
    expect(await w.page.title()).toBe('trailhound report');
    await toBottom(w.page);
    expect(w.errors).toEqual([]);
    expect(w.requests).toEqual([]);
    await w.page.close();
  });

  it('has a chart with data points for every volume and transport finding', async () => {
    const charted = sample.findings.filter((f) => f.series);
    expect(charted.length).toBeGreaterThanOrEqual(4);
    expect(new Set(charted.map((f) => f.detector))).toEqual(new Set(['volume-spike', 'insecure-transport']));
    const w = await open(files.sample);
    const charts = (await w.page.evaluate(`Array.from(document.querySelectorAll('figure.chart svg'), (svg) => ({
      dots: Array.from(svg.querySelectorAll('circle'), (c) => [Number(c.getAttribute('cx')), Number(c.getAttribute('cy'))]),
      width: svg.viewBox.baseVal.width,
      height: svg.viewBox.baseVal.height,
      line: svg.querySelector('path.observed')?.getAttribute('d') ?? '',
      id: svg.closest('details')?.id,
    }))`)) as { dots: [number, number][]; width: number; height: number; line: string; id: string }[];
    expect(charts).toHaveLength(charted.length);
    for (const [i, c] of charts.entries()) {
      expect(c.dots.length).toBe(charted.find((f) => `f-${f.id}` === c.id)!.series!.points.length);
      for (const [x, y] of c.dots) {
        expect(Number.isFinite(x) && x > 0 && x < c.width, `chart ${i}`).toBe(true);
        expect(Number.isFinite(y) && y > 0 && y < c.height, `chart ${i}`).toBe(true);
      }
      expect(c.line).toMatch(/^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+)+$/);
    }
    // the spike stands out: its window's dot is the highest one of the bulk-download chart
    const spike = charted.find((f) => f.detector === 'volume-spike' && f.kind === 'bytes-out')!;
    const chart = charts.find((c) => c.id === `f-${spike.id}`)!;
    const hot = Number(await w.page.getAttribute(`#f-${spike.id} circle.hot`, 'cy'));
    expect(hot).toBe(Math.min(...chart.dots.map(([, y]) => y)));
    await w.page.close();
  });

  it('sorts the findings table on a header click and filters as you type', async () => {
    const w = await open(files.sample);
    const { page } = w;
    const total = sample.findings.length;
    expect(await visibleRows(page)).toHaveLength(total);
    expect(await page.textContent('[data-count]')).toBe(`${total} of ${total} rows`);

    const scoreCol = 7;
    await page.click('[data-table="findings-data"] th:nth-child(8)');
    const desc = (await visibleRows(page)).map((r) => Number(r[scoreCol]));
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    await page.click('[data-table="findings-data"] th:nth-child(8)');
    const asc = (await visibleRows(page)).map((r) => Number(r[scoreCol]));
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    expect(await page.getAttribute('[data-table="findings-data"] th:nth-child(8)', 'aria-sort')).toBe('ascending');

    await page.fill('[data-table="findings-data"] input[data-filter]', 'volume-spike');
    const volume = sample.findings.filter((f) => f.detector === 'volume-spike').length;
    const rows = await visibleRows(page);
    expect(rows).toHaveLength(volume);
    expect(rows.every((r) => r[1] === 'volume-spike')).toBe(true);
    expect(await page.textContent('[data-count]')).toBe(`${volume} of ${total} rows`);

    await page.fill('[data-table="findings-data"] input[data-filter]', 'app-reader northwind-prod-data');
    expect(await visibleRows(page)).toHaveLength(sample.findings.filter((f) => `${f.subject.principal} ${f.subject.bucket} ${f.summary}`.includes('app-reader') && `${f.subject.principal} ${f.subject.bucket} ${f.summary}`.includes('northwind-prod-data')).length);

    await page.fill('[data-table="findings-data"] input[data-filter]', '');
    await page.selectOption('[data-table="findings-data"] select', 'low');
    expect(await visibleRows(page)).toHaveLength(sample.findings.filter((f) => f.severity === 'low').length);

    // a row links to its finding
    await page.click('[data-table="findings-data"] tbody tr:first-child a');
    expect(page.url()).toMatch(/#f-[0-9a-f]+$/);
    expect(w.errors).toEqual([]);
    await page.close();
  });

  it('writes docs/report.png when asked (UPDATE_SCREENSHOT=1)', async () => {
    if (!process.env.UPDATE_SCREENSHOT) return;
    const w = await open(files.sample, { width: 1280, height: 1000 });
    const spike = sample.findings.find((f) => f.detector === 'volume-spike' && f.kind === 'errors') ?? sample.findings.find((f) => f.series)!;
    // the summary, then the chart of a volume finding
    await w.page.evaluate(`(() => {
      const card = document.getElementById(${JSON.stringify(`f-${spike.id}`)});
      const holder = document.createElement('section');
      holder.appendChild(document.createElement('h2')).textContent = 'Example: a volume finding';
      holder.appendChild(card.cloneNode(true));
      document.querySelector('main section').after(holder);
    })()`);
    await w.page.screenshot({ path: path.join(packageRoot(), 'docs', 'report.png'), clip: { x: 0, y: 0, width: 1280, height: 1000 } });
    await w.page.close();
  });
});

describe('hostile log strings stay inert', () => {
  it('findings report: shown as text, nothing runs, no dialog, no injected element', async () => {
    const w = await open(files.hostile);
    const { page } = w;
    await toBottom(page);
    expect(await pwned(page)).toBeUndefined();
    expect(w.dialogs).toEqual([]);
    expect(w.errors).toEqual([]);
    expect(w.requests).toEqual([]);
    expect(await count(page, 'img')).toBe(0);
    expect(await count(page, 'main svg')).toBe(2); // our two charts, no injected <svg onload>
    expect(await count(page, 'script')).toBe(2);
    expect(await count(page, '[onerror], [onload], [onmouseover]')).toBe(0);
    // the strings are visible as text: in a finding card and in the table built by the script
    expect(await page.isVisible('#f-a1 .fsummary')).toBe(true);
    const summary = await page.innerText('#f-a1 .fsummary');
    expect(summary).toContain(IMG);
    expect(summary).toContain(SCRIPT);
    const rows = await visibleRows(page);
    expect(rows.some((r) => r.includes(IMG))).toBe(true);
    expect(rows.some((r) => r.includes(SCRIPT))).toBe(true);
    expect(await page.locator('#f-a1 table.small').innerText()).toContain(IMG);
    // filtering on the hostile text finds it, still as text
    await page.fill('[data-table="findings-data"] input[data-filter]', '<img');
    expect(await visibleRows(page)).toHaveLength(1);
    expect(await pwned(page)).toBeUndefined();
    await page.close();
  });

  it('query report: result cells shown as text, sortable, nothing runs', async () => {
    const w = await open(files.query);
    const { page } = w;
    const rows = await visibleRows(page, '[data-table="results-data"]');
    expect(rows).toEqual([
      [IMG, SCRIPT, '3'],
      [SCRIPT, IMG, '1'],
    ]);
    await page.click('[data-table="results-data"] th:nth-child(3)');
    expect((await visibleRows(page, '[data-table="results-data"]')).map((r) => r[2])).toEqual(['3', '1']);
    await page.click('[data-table="results-data"] th:nth-child(3)');
    expect((await visibleRows(page, '[data-table="results-data"]')).map((r) => r[2])).toEqual(['1', '3']);
    expect(await pwned(page)).toBeUndefined();
    expect(await count(page, 'img')).toBe(0);
    expect(w.dialogs).toEqual([]);
    expect(w.errors).toEqual([]);
    expect(w.requests).toEqual([]);
    await page.close();
  });
});
