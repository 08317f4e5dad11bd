/**
 * The containerised cron as far as it can be checked without a Docker engine: docker-compose.yml
 * validated by `docker-compose config -q`; the Dockerfile read for its structure (multi-stage,
 * production dependencies only, non-root user, `trailhound` entrypoint); the compose seed job
 * (docker/seed.mjs) run against s3rver, then trailhound run with the compose service's own
 * arguments; and the IAM policy checked for least privilege.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli } from '../helpers/cli.js';
import { listAllKeys, readFindings, S3RVER_ENV, sampleLogs, startS3Bed, type S3Bed } from '../helpers/s3-fixtures.js';

const read = (file: string): string => readFileSync(path.join(REPO, file), 'utf8');

/** The normalised compose file, as docker-compose itself resolves it. */
function composeConfig(): string {
  return execFileSync('docker-compose', ['-f', path.join(REPO, 'docker-compose.yml'), 'config'], { encoding: 'utf8', env: { ...process.env, TRAILHOUND_EVERY: '15m' } });
}

/** The YAML list under `<service>:\n    <key>:` in the normalised output. */
function serviceList(config: string, service: string, key: string): string[] {
  const block = new RegExp(`\\n  ${service}:\\n([\\s\\S]*?)(?=\\n  [a-z]|\\n[a-z]|$)`).exec(config)?.[1] ?? '';
  const list = new RegExp(`\\n?    ${key}:\\n((?:    - .*\\n?)+)`).exec(block)?.[1] ?? '';
  return list.split('\n').filter(Boolean).map((l) => l.replace(/^    - /, '').replace(/^'(.*)'$/, '$1'));
}

describe('docker-compose.yml', () => {
  it('is valid for docker-compose (config -q)', () => {
    const r = spawnSync('docker-compose', ['-f', path.join(REPO, 'docker-compose.yml'), 'config', '-q'], { encoding: 'utf8' });
    expect(r.error, 'docker-compose is not installed (apt-get install -y docker-compose; .ci/run does it)').toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
  });

  it('runs MinIO, a one-shot seed job, and trailhound in loop mode with S3 state and findings', () => {
    const config = composeConfig();
    expect(config).toMatch(/\n  minio:\n[\s\S]*image: .*minio/);
    expect(serviceList(config, 'seed', 'entrypoint')).toEqual(['node', '/app/docker/seed.mjs']);
    expect(config).toMatch(/\n  seed:\n[\s\S]*?condition: service_healthy/);
    expect(config).toMatch(/\n  trailhound:\n[\s\S]*?condition: service_completed_successfully/);
    const command = serviceList(config, 'trailhound', 'command');
    expect(command[0]).toBe('analyze');
    expect(command[command.indexOf('--every') + 1]).toBe('15m');
    expect(command[command.indexOf('--state') + 1]).toMatch(/^s3:\/\//);
    expect(command[command.indexOf('--out') + 1]).toMatch(/^s3:\/\//);
    expect(config).toMatch(/\n  trailhound:\n[\s\S]*?init: true/);
  });
});

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages: { name: string; lines: string[] }[] = [];
  for (const l of lines) {
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(l);
    if (from) stages.push({ name: from[1] ?? String(stages.length), lines: [] });
    else stages[stages.length - 1]?.lines.push(l);
  }
  const final = stages[stages.length - 1];

  it('is multi-stage: a build stage runs npm run build; the runtime copies dist/ and production-only node_modules', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    const build = stages.find((s) => s.lines.some((l) => /npm run build/.test(l)));
    expect(build).toBeDefined();
    const deps = stages.find((s) => s.lines.some((l) => /npm ci\b.*--omit=dev/.test(l)));
    expect(deps).toBeDefined();
    expect(final.lines).toContain(`COPY --from=${build!.name} /app/dist ./dist`);
    expect(final.lines).toContain(`COPY --from=${deps!.name} /app/node_modules ./node_modules`);
    // Nothing else from the source tree: no sources, tests or dev dependencies in the image.
    expect(final.lines.filter((l) => /^COPY\s+(?!--from)/.test(l)).map((l) => l.split(/\s+/)[1])).toEqual(['package.json', 'queries', 'samples', 'docker/seed.mjs']);
    expect(final.lines.some((l) => /npm (ci|install)/.test(l))).toBe(false);
  });

  it('runs as a non-root user with trailhound as the entrypoint', () => {
    const user = final.lines.filter((l) => /^USER\s/.test(l)).pop();
    expect(user).toBeDefined();
    const who = user!.split(/\s+/)[1].split(':')[0];
    expect(['root', '0']).not.toContain(who);
    expect(final.lines).toContain('ENTRYPOINT ["trailhound"]');
    expect(final.lines.some((l) => /ln -s \/app\/dist\/src\/cli\.js \/usr\/local\/bin\/trailhound/.test(l))).toBe(true);
    expect(JSON.parse(read('package.json')).bin.trailhound).toBe('dist/src/cli.js');
  });

  it('keeps the build context small (.dockerignore)', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    for (const p of ['.git', 'node_modules', 'dist', 'test', 'scratch', '.trailhound']) expect(ignored).toContain(p);
  });
});

describe('the compose seed job and service, without Docker', () => {
  let bed: S3Bed;
  beforeAll(async () => {
    bed = await startS3Bed([]);
  });
  afterAll(async () => {
    await bed?.close();
  });

  it('uploads the samples in the CloudTrail and access-log layouts; trailhound with the service arguments reads them', async () => {
    const samples = await sampleLogs(1, 5);
    const env = { ...S3RVER_ENV, S3_ENDPOINT: bed.server.endpoint, SAMPLES_DIR: samples };
    const seeded = spawnSync(process.execPath, [path.join(REPO, 'docker/seed.mjs')], { env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(seeded.status, seeded.stderr).toBe(0);
    const again = spawnSync(process.execPath, [path.join(REPO, 'docker/seed.mjs')], { env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(again.status, `the seed job is re-runnable: ${again.stderr}`).toBe(0);
    const ct = await listAllKeys(bed.client, 'trailhound-cloudtrail');
    const sal = await listAllKeys(bed.client, 'trailhound-access-logs');
    expect(ct.length).toBeGreaterThan(10);
    expect(ct.every((k) => /^AWSLogs\/\d{12}\/CloudTrail\/[a-z0-9-]+\/\d{4}\/\d{2}\/\d{2}\/\d{12}_CloudTrail_/.test(k))).toBe(true);
    expect(sal.some((k) => /^logs\/northwind-prod-data\/\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[A-Z0-9]+$/.test(k))).toBe(true);
    expect(sal.some((k) => /^partitioned\/\d{12}\/us-east-1\/northwind-www\/\d{4}\/\d{2}\/\d{2}\/\d{4}-\d{2}-\d{2}-/.test(k))).toBe(true);

    // The trailhound service's own command, one run instead of a loop, pointed at the test server.
    const command = serviceList(composeConfig(), 'trailhound', 'command');
    const every = command.indexOf('--every');
    const args = command.filter((_, i) => i !== every && i !== every + 1).map((a) => (a === 'http://minio:9000' ? bed.endpoint : a));
    const r = await runCli([...args, '--workers', '1', '--log-level', 'warn'], { env: { ...S3RVER_ENV } });
    expect(r.code, r.stderr).toBe(0);
    const findings = await readFindings(bed.client, 'trailhound', '');
    expect(findings.length).toBe(1);
    expect(findings[0].key).toMatch(/^findings\/\d{4}\/\d{2}\/\d{2}\/\d{8}T\d{6}Z-[0-9a-f]{8}\.ndjson$/);
    expect(findings[0].findings.length).toBeGreaterThan(0);
    expect(await listAllKeys(bed.client, 'trailhound', 'state/')).toEqual(['state/state.json']);
  });
});

describe('docs/iam-policy.json', () => {
  const policy = JSON.parse(read('docs/iam-policy.json')) as { Version: string; Statement: { Sid: string; Effect: string; Action: string | string[]; Resource: string | string[]; Condition?: unknown }[] };
  const list = (x: string | string[]): string[] => (Array.isArray(x) ? x : [x]);

  it('is least privilege: named statements, no wildcard actions or resources, no writes to the log buckets', () => {
    expect(policy.Version).toBe('2012-10-17');
    const sids = policy.Statement.map((s) => s.Sid);
    expect(new Set(sids).size).toBe(sids.length);
    for (const s of policy.Statement) {
      expect(s.Effect).toBe('Allow');
      for (const a of list(s.Action)) expect(a, s.Sid).toMatch(/^(s3|athena|glue|kms):[A-Za-z]+$/);
      for (const r of list(s.Resource)) expect(r, s.Sid).not.toBe('*');
    }
    const onLogBuckets = policy.Statement.filter((s) => list(s.Resource).some((r) => /cloudtrail-bucket|access-log-bucket/.test(r)));
    for (const s of onLogBuckets) for (const a of list(s.Action)) expect(['s3:ListBucket', 's3:GetObject', 's3:GetBucketLocation']).toContain(a);
    const writes = policy.Statement.filter((s) => list(s.Action).some((a) => /Put|Delete/.test(a)));
    for (const s of writes) for (const r of list(s.Resource)) expect(r, s.Sid).toMatch(/trailhound\/(state|findings)\/\*$|athena-results-bucket\/trailhound\/\*$|:table\/trailhound\/\*$|:database\/trailhound$|:catalog$/);
    // Listing is limited to the prefixes trailhound reads or writes.
    for (const s of policy.Statement.filter((x) => list(x.Action).includes('s3:ListBucket'))) expect(JSON.stringify(s.Condition), s.Sid).toMatch(/s3:prefix/);
  });

  it('is explained statement by statement in the README', () => {
    const readme = read('README.md');
    for (const s of policy.Statement) expect(readme, s.Sid).toContain(`\`${s.Sid}\``);
  });
});
