#!/usr/bin/env node
/**
 * One-shot job of docker-compose.yml: creates the buckets and uploads the bundled samples into
 * the key layouts of real log buckets, so the trailhound service reads them as it would read AWS:
 *
 *   s3://$CLOUDTRAIL_BUCKET/AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_….json.gz
 *   s3://$ACCESS_LOG_BUCKET/logs/<source-bucket>/YYYY-MM-DD-hh-mm-ss-<uniq>          (simple prefix)
 *   s3://$ACCESS_LOG_BUCKET/partitioned/<acct>/<region>/<source-bucket>/YYYY/MM/DD/YYYY-MM-DD-hh-mm-ss-<uniq>
 *                                                   (partitioned prefix, delivery time; for $PARTITIONED_SOURCE_BUCKETS)
 *
 * Plain JavaScript so that it runs in the production image (`node /app/docker/seed.mjs`) with
 * its dependencies. Idempotent: re-running overwrites the same keys.
 *
 * Environment: S3_ENDPOINT (e.g. http://minio:9000; unset = AWS), AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_REGION (default us-east-1), SAMPLES_DIR (default: ../samples next to
 * this script), CLOUDTRAIL_BUCKET (trailhound-cloudtrail), ACCESS_LOG_BUCKET
 * (trailhound-access-logs), TRAILHOUND_BUCKET (trailhound: state and findings),
 * PARTITIONED_SOURCE_BUCKETS (northwind-www), LOG_ACCOUNT (the first CloudTrail account).
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const env = process.env;
const samples = env.SAMPLES_DIR ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'samples');
const region = env.AWS_REGION ?? 'us-east-1';
const buckets = {
  cloudtrail: env.CLOUDTRAIL_BUCKET ?? 'trailhound-cloudtrail',
  accessLogs: env.ACCESS_LOG_BUCKET ?? 'trailhound-access-logs',
  trailhound: env.TRAILHOUND_BUCKET ?? 'trailhound',
};
const partitioned = new Set((env.PARTITIONED_SOURCE_BUCKETS ?? 'northwind-www').split(',').map((s) => s.trim()).filter(Boolean));

const s3 = new S3Client({
  region,
  ...(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}),
});

async function files(dir) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(full)));
    else if (e.isFile()) out.push(full);
  }
  return out.sort();
}

/** S3 may still be starting: a few patient attempts per call. */
async function send(command, what) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await s3.send(command);
    } catch (err) {
      const status = err?.$metadata?.httpStatusCode;
      const transient = status === undefined || status >= 500 || status === 429;
      if (!transient || attempt >= 10) throw new Error(`${what}: ${err?.name ?? 'Error'}: ${err?.message}`);
      await sleep(Math.min(5000, 200 * 2 ** attempt) * Math.random());
    }
  }
}

async function createBucket(name) {
  try {
    await send(new CreateBucketCommand({ Bucket: name, ...(region !== 'us-east-1' && !env.S3_ENDPOINT ? { CreateBucketConfiguration: { LocationConstraint: region } } : {}) }), `create bucket ${name}`);
    console.log(`created bucket ${name}`);
  } catch (err) {
    if (!/BucketAlreadyOwnedByYou|BucketAlreadyExists/.test(String(err.message))) throw err;
    console.log(`bucket ${name} exists`);
  }
}

async function uploads() {
  const out = [];
  const ctBase = path.join(samples, 'cloudtrail');
  let account = env.LOG_ACCOUNT;
  for (const file of await files(ctBase)) {
    const key = path.relative(ctBase, file).split(path.sep).join('/');
    const m = /^AWSLogs\/(\d{12})\/CloudTrail\//.exec(key);
    if (!m) continue;
    account ??= m[1];
    out.push({ bucket: buckets.cloudtrail, key, file });
  }
  const salBase = path.join(samples, 's3access');
  for (const file of await files(salBase)) {
    const [source, name] = path.relative(salBase, file).split(path.sep);
    const t = /^(\d{4})-(\d{2})-(\d{2})-\d{2}-\d{2}-\d{2}-[A-Za-z0-9]+$/.exec(name ?? '');
    if (!t) continue;
    const key = partitioned.has(source) ? `partitioned/${account}/${region}/${source}/${t[1]}/${t[2]}/${t[3]}/${name}` : `logs/${source}/${name}`;
    out.push({ bucket: buckets.accessLogs, key, file });
  }
  return out;
}

async function main() {
  for (const name of Object.values(buckets)) await createBucket(name);
  const todo = await uploads();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < todo.length) {
        const u = todo[next++];
        await send(new PutObjectCommand({ Bucket: u.bucket, Key: u.key, Body: await readFile(u.file) }), `upload s3://${u.bucket}/${u.key}`);
      }
    }),
  );
  const counts = {};
  for (const u of todo) counts[u.bucket] = (counts[u.bucket] ?? 0) + 1;
  console.log(`uploaded ${todo.length} sample log objects: ${Object.entries(counts).map(([b, n]) => `${n} to s3://${b}/`).join(', ')}`);
}

main().catch((err) => {
  console.error(`seed failed: ${err.message}`);
  process.exitCode = 1;
});
