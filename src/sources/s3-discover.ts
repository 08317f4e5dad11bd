/**
 * Finds the listing streams under `s3://bucket/prefix` with Delimiter listings (FORMATS.md §4):
 * CloudTrail `AWSLogs/[o-id/]<acct>/CloudTrail/<region>/` (never the Digest or Insight siblings),
 * partitioned access logs `<prefix><acct>/<region>/<bucket>/`, and simple-prefix access logs
 * (keys `<prefix>YYYY-MM-DD-hh-mm-ss-<uniq>`). Unrecognised folders are searched a few levels
 * deep; a prefix with no recognised layout becomes one `plain` stream of every key under it.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { log } from '../log.js';
import { listFolders, listPages, type ListCounters } from './s3-list.js';
import { CT_ROOT, PARTITIONED_ROOT, type StreamSpec } from './s3-layouts.js';
import type { RetryPolicy } from './s3-retry.js';

/** A stream and the prefix to list it with (the user's prefix when it points inside the stream). */
export interface DiscoveredStream extends StreamSpec {
  within: string;
}

const MAX_DEPTH = 4;
const ACCOUNT = /^\d{12}$/;
const ORG = /^o-[a-z0-9]+$/;
const REGION = /^[a-z]{2}(-[a-z0-9]+)+-\d$/;
const SIMPLE_TAIL = /(\d{4})-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[A-Za-z0-9]+$/;

interface Ctx {
  client: S3Client;
  bucket: string;
  retry?: RetryPolicy;
  counters?: ListCounters;
  found: Map<string, DiscoveredStream>;
}

function leaf(prefix: string, parent: string): string {
  return prefix.slice(parent.length).replace(/\/$/, '');
}

function add(ctx: Ctx, s: Omit<DiscoveredStream, 'bucket'>): void {
  const stream = { bucket: ctx.bucket, ...s };
  ctx.found.set(stream.within, stream);
}

export async function discoverStreams(client: S3Client, bucket: string, prefix: string, retry?: RetryPolicy, counters?: ListCounters): Promise<DiscoveredStream[]> {
  const ctx: Ctx = { client, bucket, retry, counters, found: new Map() };
  const ct = CT_ROOT.exec(prefix);
  const pt = ct ? null : PARTITIONED_ROOT.exec(prefix);
  if (ct) {
    add(ctx, { root: ct[0], within: prefix, layout: 'cloudtrail', org: ct[2], account: ct[3], region: ct[4] });
  } else if (pt) {
    add(ctx, { root: pt[0], within: prefix, layout: 'access-partitioned', account: pt[2], region: pt[3], sourceBucket: pt[4] });
  } else {
    await walk(ctx, prefix, prefix, 0);
  }
  if (ctx.found.size === 0) {
    log().warn({ source: `s3://${bucket}/${prefix}` }, 'no CloudTrail or access-log key layout found: reading every key under the prefix (no time pruning; the checkpoint keeps every key)');
    add(ctx, { root: prefix, within: prefix, layout: 'plain' });
  }
  return [...ctx.found.values()].sort((a, b) => (a.within < b.within ? -1 : a.within > b.within ? 1 : 0));
}

/** One level: simple-layout keys directly here, and the folders below, classified by their path. */
async function walk(ctx: Ctx, level: string, userPrefix: string, depth: number): Promise<void> {
  const folders: string[] = [];
  let startAfter: string | undefined;
  for (;;) {
    let jump: string | undefined;
    for await (const page of listPages(ctx.client, { bucket: ctx.bucket, prefix: level, delimiter: '/', startAfter }, ctx.retry, ctx.counters)) {
      for (const cp of page.CommonPrefixes ?? []) if (cp.Prefix) folders.push(cp.Prefix);
      for (const o of page.Contents ?? []) {
        const m = o.Key ? SIMPLE_TAIL.exec(o.Key) : null;
        if (!m || !o.Key) continue;
        const root = o.Key.slice(0, m.index);
        // A simple root may be shorter than the user's prefix (`logs/2026-03-0`): list it from that prefix.
        const within = userPrefix.length > root.length && userPrefix.startsWith(root) ? userPrefix : root;
        add(ctx, { root, within, layout: 'access-simple' });
        // Skip the rest of this year of the stream instead of paging through every key of it.
        jump = `${root}${m[1]}-\x7f`;
        break;
      }
      if (jump) break;
    }
    if (!jump) break;
    startAfter = jump;
  }
  for (const folder of folders) await classify(ctx, folder, level, userPrefix, depth);
}

async function classify(ctx: Ctx, folder: string, parent: string, userPrefix: string, depth: number): Promise<void> {
  const aws = /^(.*?AWSLogs\/)(.*)$/.exec(folder);
  if (aws) return cloudTrailFolder(ctx, aws[1], aws[2].split('/').filter(Boolean));
  // Partitioned access logs: `<DestinationPrefix><acct>/`, the prefix possibly glued to the account.
  const name = leaf(folder, parent);
  const acct = /(\d{12})$/.exec(name);
  if (acct) {
    const found = await partitionedAccount(ctx, folder, acct[1]);
    if (found || ACCOUNT.test(name)) return;
  }
  if (depth < MAX_DEPTH) await walk(ctx, folder, userPrefix, depth + 1);
}

/**
 * A folder at or below `…AWSLogs/`: `[o-id/][acct/[CloudTrail/]]`. Only `CloudTrail/` holds the
 * log stream: `CloudTrail-Digest/`, `CloudTrail-Insight/` (which sort before it) and other
 * services' logs under `AWSLogs/<acct>/` are never read.
 */
async function cloudTrailFolder(ctx: Ctx, awsLogs: string, segs: string[]): Promise<void> {
  let i = 0;
  const org = segs[i] !== undefined && ORG.test(segs[i]) ? segs[i++] : undefined;
  const base = `${awsLogs}${org ? `${org}/` : ''}`;
  if (i === segs.length) {
    for (const folder of await listFolders(ctx.client, ctx.bucket, base, ctx.retry, ctx.counters)) {
      const name = leaf(folder, base);
      if (org === undefined && ORG.test(name)) await cloudTrailFolder(ctx, awsLogs, [name]);
      else if (ACCOUNT.test(name)) await cloudTrailRegions(ctx, `${folder}CloudTrail/`, org, name);
    }
    return;
  }
  const account = segs[i++];
  if (!ACCOUNT.test(account)) return;
  if (i === segs.length || (i === segs.length - 1 && segs[i] === 'CloudTrail')) await cloudTrailRegions(ctx, `${base}${account}/CloudTrail/`, org, account);
}

async function cloudTrailRegions(ctx: Ctx, trail: string, org: string | undefined, account: string): Promise<void> {
  for (const region of await listFolders(ctx.client, ctx.bucket, trail, ctx.retry, ctx.counters)) {
    add(ctx, { root: region, within: region, layout: 'cloudtrail', org, account, region: leaf(region, trail) });
  }
}

async function partitionedAccount(ctx: Ctx, acctFolder: string, account: string): Promise<boolean> {
  let found = false;
  for (const regionFolder of await listFolders(ctx.client, ctx.bucket, acctFolder, ctx.retry, ctx.counters)) {
    const region = leaf(regionFolder, acctFolder);
    if (!REGION.test(region)) continue;
    for (const bucketFolder of await listFolders(ctx.client, ctx.bucket, regionFolder, ctx.retry, ctx.counters)) {
      add(ctx, { root: bucketFolder, within: bucketFolder, layout: 'access-partitioned', account, region, sourceBucket: leaf(bucketFolder, regionFolder) });
      found = true;
    }
  }
  return found;
}
