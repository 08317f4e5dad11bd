/**
 * Writes CloudTrail records as delivered log files: one gzip `{"Records":[…]}` document per
 * account, region and delivery interval, under the AWSLogs key layout of FORMATS.md §2.1.
 */
import { join } from 'node:path';
import type { ApiCall } from './api-call.js';
import { cloudTrailStamp, dayFolder, MINUTE } from './clock.js';
import { toCloudTrailRecord } from './cloudtrail-record.js';
import { deliverySlots, LogObjectWriter, type WriteStats } from './log-files.js';
import { principalAccount, TRAILS } from './org.js';
import { ALNUM, type Random } from './random.js';

/** A time span in which an account's trail was stopped: nothing it would have recorded is delivered. */
export interface LoggingGap {
  accountId: string;
  start: number;
  end: number;
}

export interface CloudTrailWriteOptions {
  intervalMinutes: number;
  gaps: readonly LoggingGap[];
  /**
   * Accounts whose trail also records S3 data events of their own principals on other
   * accounts' buckets (the caller's copy, sharing sharedEventID), and until when.
   */
  requesterDataEventsUntil: ReadonlyMap<string, number>;
}

interface PendingFile {
  account: string;
  region: string;
  slot: number;
  records: { time: number; record: Record<string, unknown> }[];
}

const TRAIL_ACCOUNTS: ReadonlySet<string> = new Set(Object.values(TRAILS).map((t) => t.account.id));

export async function writeCloudTrail(
  out: string,
  calls: readonly ApiCall[],
  rng: Random,
  opts: CloudTrailWriteOptions,
): Promise<WriteStats> {
  const files = new Map<string, PendingFile>();
  const deliver = (call: ApiCall, account: string) => {
    const record = toCloudTrailRecord(call, account);
    for (const slot of deliverySlots(call.time, call.delivery.cloudTrail, opts.intervalMinutes)) {
      const id = `${account}/${call.region}/${String(slot).padStart(10, '0')}`;
      let file = files.get(id);
      if (!file) {
        file = { account, region: call.region, slot, records: [] };
        files.set(id, file);
      }
      file.records.push({ time: call.time, record });
    }
  };
  for (const call of calls) {
    if (!call.inCloudTrail) continue;
    if (TRAIL_ACCOUNTS.has(call.recipientAccountId) && !inGap(call.recipientAccountId, call, opts.gaps)) {
      deliver(call, call.recipientAccountId);
    }
    const requester = requesterCopyFor(call, opts);
    if (requester !== null) deliver(call, requester);
  }

  const stats: WriteStats = { objects: 0, entries: 0 };
  const writer = new LogObjectWriter();
  for (const id of [...files.keys()].sort()) {
    const file = files.get(id)!;
    const r = rng.fork(id);
    const delivered = (file.slot + 1) * opts.intervalMinutes * MINUTE + r.int(1, 9) * MINUTE + r.int(0, 59_999);
    const name = `${file.account}_CloudTrail_${file.region}_${cloudTrailStamp(delivered)}_${r.chars(16, ALNUM)}.json.gz`;
    const path = join(out, 'cloudtrail', 'AWSLogs', file.account, 'CloudTrail', file.region, dayFolder(delivered), name);
    const records = roughlyChronological(file.records, r);
    await writer.write(path, JSON.stringify({ Records: records }), true);
    stats.objects++;
    stats.entries += records.length;
  }
  await writer.flush();
  return stats;
}

function inGap(account: string, call: ApiCall, gaps: readonly LoggingGap[]): boolean {
  return gaps.some((g) => g.accountId === account && call.time >= g.start && call.time < g.end);
}

function requesterCopyFor(call: ApiCall, opts: CloudTrailWriteOptions): string | null {
  if (call.eventCategory !== 'Data' || call.requesterEventId === null) return null;
  const account = principalAccount(call.caller.actor.principal)?.id;
  if (account === undefined || !TRAIL_ACCOUNTS.has(account) || inGap(account, call, opts.gaps)) return null;
  return call.time < (opts.requesterDataEventsUntil.get(account) ?? -Infinity) ? account : null;
}

/** Real files are mostly but not strictly in time order; readers must not rely on it. */
function roughlyChronological(entries: PendingFile['records'], rng: Random): Record<string, unknown>[] {
  const sorted = [...entries].sort((a, b) => a.time - b.time);
  for (let i = 1; i < sorted.length; i++) {
    if (rng.chance(0.05)) [sorted[i - 1], sorted[i]] = [sorted[i], sorted[i - 1]];
  }
  return sorted.map((e) => e.record);
}
