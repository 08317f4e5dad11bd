/**
 * `npm run bench`: generates (or reuses) the data set, runs every measurement in its own child
 * process — twice, interleaved in rounds, keeping the best time — and prints a table and the
 * ratios against the targets of issues 2 and 3. Nothing is written besides `bench/.data/`.
 *
 *   BENCH_SCALE=0.1 npm run bench     # quick run on a tenth of the data
 *   BENCH_ROUNDS=1 BENCH_ONLY=c,e npm run bench
 */
import { spawn } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import path from 'node:path';
import { packageRoot } from '../src/paths.js';
import { fileURLToPath } from 'node:url';
import { RESULT_PREFIX, type MeasureResult } from './common.js';
import { defaultDataDir, ensureData, type Manifest } from './generate.js';
import { formatReport, type Measured, type Measurement } from './report.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = packageRoot();

const scale = Number(process.env.BENCH_SCALE ?? 1);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
/** A measurement whose first run took longer than this is not repeated (keeps a full run within ~5 minutes). */
const repeatMaxS = Number(process.env.BENCH_REPEAT_MAX_S ?? 40);
if (!(scale > 0)) throw new Error(`BENCH_SCALE must be > 0, got ${process.env.BENCH_SCALE}`);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`BENCH_ROUNDS must be a positive integer`);

const cores = availableParallelism();
const workerCounts = [...new Set([1, 2, cores])].sort((a, b) => a - b);

function plan(): Measurement[] {
  const m: Measurement[] = [{ id: '0', label: 'baseline: node+modules', kind: 'baseline', threads: 1, script: 'measure-baseline.ts', args: [] }];
  m.push({ id: 'a', label: 'gunzip + JSON.parse (CT)', kind: 'reference', threads: 1, script: 'measure-json-parse.ts', args: [] });
  for (const t of [1, 2]) m.push({ id: 'b', label: 'DuckDB read_json (CT)', kind: 'duckdb', threads: t, script: 'measure-duckdb-json.ts', args: [String(t)] });
  for (const w of workerCounts) m.push({ id: 'c', label: 'trailhound CT → Arrow', kind: 'trailhound', threads: w, script: 'measure-trailhound.ts', args: ['cloudtrail', String(w)] });
  for (const t of [1, 2]) m.push({ id: 'd', label: 'DuckDB read_csv (SAL)', kind: 'duckdb', threads: t, script: 'measure-duckdb-csv.ts', args: [String(t)] });
  for (const w of workerCounts) m.push({ id: 'e', label: 'trailhound SAL → Arrow', kind: 'trailhound', threads: w, script: 'measure-trailhound.ts', args: ['s3access', String(w)] });
  m.push({ id: 'f-parse', label: 'parse only (CT+SAL)', kind: 'trailhound', threads: 1, script: 'measure-analyze.ts', args: ['parse'] });
  m.push({ id: 'f-analyze', label: 'analyze (CT+SAL)', kind: 'trailhound', threads: 1, script: 'measure-analyze.ts', args: ['analyze'] });
  return only ? m.filter((x) => only.includes(x.id) || only.includes(x.id.split('-')[0])) : m;
}

const CHILD_TIMEOUT_MS = 10 * 60_000;

function runChild(m: Measurement, dataDir: string): Promise<MeasureResult> {
  return new Promise((resolve, reject) => {
    // Compiled (npm run bench): plain node on dist/bench/*.js, as users run trailhound; from sources: tsx.
    const compiled = import.meta.url.endsWith('.js');
    const script = path.join(here, compiled ? m.script.replace(/\.ts$/, '.js') : m.script);
    const child = spawn(process.execPath, [...(compiled ? [] : ['--import', 'tsx']), script, dataDir, ...m.args], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code === 0 && line) resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as MeasureResult);
      else reject(new Error(`${m.script} ${m.args.join(' ')} exited ${code ?? signal}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`));
    });
  });
}

function describeData(m: Manifest, dataDir: string): string {
  const ct = m.cloudtrail;
  const sal = m.s3access;
  return [
    `data: ${path.relative(repo, dataDir)} (scale ${m.scale}, seed ${m.seed})`,
    `  CloudTrail: ${ct.files} .json.gz files, ${ct.records} records, ${(ct.bytes / 1e6).toFixed(1)} MB uncompressed (${(ct.storedBytes / 1e6).toFixed(1)} MB stored)`,
    `  access logs: ${sal.files} files, ${sal.lines} lines (${sal.hostileLines} hostile), ${(sal.bytes / 1e6).toFixed(1)} MB`,
  ].join('\n');
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const loadBefore = loadavg()[0];
  const dataDir = defaultDataDir(scale);
  const manifest = ensureData({ dir: dataDir, scale, log: (s) => process.stderr.write(`bench: ${s}\n`) });
  const measurements = plan();
  const results: Measured[] = measurements.map((m) => ({ m, runs: [], rounds, errors: [] }));
  for (let round = 1; round <= rounds; round++) {
    for (const r of results) {
      if (r.repeatSkipped) continue;
      const first = r.runs[0];
      if (first && !first.skipped && first.seconds > repeatMaxS) {
        r.repeatSkipped = `first run took ${first.seconds.toFixed(0)} s > BENCH_REPEAT_MAX_S=${repeatMaxS}`;
        continue;
      }
      if (first?.skipped) continue;
      try {
        const res = await runChild(r.m, dataDir);
        r.runs.push(res);
        const rate = res.skipped ? res.skipped : `${res.bytes > 0 ? (res.bytes / 1e6 / res.seconds).toFixed(1) : '-'} MB/s, ${((res.maxRssKiB * 1024) / 1e6).toFixed(0)} MB RSS`;
        process.stderr.write(`bench: round ${round} ${r.m.id} ${r.m.label} ×${r.m.threads}: ${rate}\n`);
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        r.errors.push(msg);
        process.stderr.write(`bench: round ${round} ${r.m.id} ×${r.m.threads} failed: ${msg}\n`);
      }
    }
  }
  const header = [
    `trailhound bench — node ${process.version}, ${cores} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${rounds} run(s) per measurement, best shown`,
    `load average (1 min) ${loadBefore.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end: above ${cores} the figures are depressed by other processes`,
    describeData(manifest, dataDir),
  ].join('\n');
  process.stdout.write(formatReport(header, results, cores) + '\n');
  process.stdout.write(`total bench time ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
}

await main();
