/**
 * Benign traffic of Northwind's applications and the registry of every benign workload.
 * Volumes follow the organisation's rhythm (clock.ts) and stay well below the absolute
 * floors of the volume detector, so injected incidents stand out.
 */
import { newSession, usualCaller, type Session } from './api-call.js';
import { PEOPLE_WORKLOADS } from './benign-people.js';
import { SERVICE_WORKLOADS } from './benign-services.js';
import { WEBSITE_WORKLOADS } from './benign-website.js';
import {
  BACKUP_SOURCES,
  backupKey,
  curatedKey,
  customerArchiveKey,
  customerReportKey,
  CUSTOMERS,
  exportKey,
  legacyKey,
  objectSize,
  rawEventKey,
} from './catalog.js';
import { alwaysOnWeight, DAY, daysBetween, HOUR, hoursBetween, isoDate, isWeekend, MINUTE, spread } from './clock.js';
import { assumeRoleByService } from './management-calls.js';
import { ACTORS, BUCKETS, type Actor } from './org.js';
import type { Random } from './random.js';
import { listObjects, s3Call } from './s3-calls.js';
import type { Sim, Workload } from './sim.js';

/** Instance-profile credentials rotate every six hours; the session name stays the instance id. */
export function instanceSession(rng: Random, actor: Actor, instance: number, t: number): Session {
  const block = Math.floor(t / (6 * HOUR)) * 6 * HOUR;
  const name = actor.sessionNames![instance];
  return newSession(rng.fork(`${name}@${block}`), name, block + 7 * MINUTE);
}

/** The customer-facing application reading reports, around the clock. */
const appReader: Workload = (sim, rng) => {
  const actor = ACTORS.appReader;
  for (const hour of hoursBetween(sim.start, sim.end)) {
    for (const at of spread(rng, hour, HOUR, rng.poisson(14 * alwaysOnWeight(hour)))) {
      const instance = rng.int(0, 2);
      const caller = usualCaller(rng, actor, instanceSession(rng, actor, instance, at), actor.ips[instance]);
      const roll = rng.next();
      if (roll < 0.05) {
        const prefix = `reports/customer-${String(rng.int(1, CUSTOMERS)).padStart(4, '0')}/`;
        sim.emit(listObjects(rng, at, caller, BUCKETS.data, prefix));
        continue;
      }
      const archive = roll > 0.99;
      const key = archive ? customerArchiveKey(rng.int(1, CUSTOMERS), 2025) : customerReportKey(rng, at);
      const size = objectSize(key, archive ? 1_600_000 : 180_000);
      const api = roll < 0.13 ? 'HeadObject' : 'GetObject';
      const missing = !archive && rng.chance(0.02);
      sim.emit(s3Call(rng, { time: at, caller, api, bucket: BUCKETS.data, key, size, errorCode: missing ? 'NoSuchKey' : undefined }));
    }
  }
};

/** Nightly batch: read yesterday's raw events, write curated tables and partner exports; small runs by day. */
const etlPipeline: Workload = (sim, rng) => {
  const actor = ACTORS.etl;
  for (const day of daysBetween(sim.start, sim.end)) {
    const runStart = day + HOUR + rng.int(5, 15) * MINUTE;
    const session = newSession(rng, `etl-nightly-${isoDate(day).replace(/-/g, '')}`, runStart - 20_000);
    const caller = () => usualCaller(rng, actor, session);
    const yesterday = day - DAY;
    let t = runStart;
    for (let h = 0; h < 24; h += 6) {
      const prefix = rawEventKey(yesterday + h * HOUR, 0).replace(/part-.*$/, '');
      sim.emit(listObjects(rng, (t += rng.int(1, 4) * 1000), caller(), BUCKETS.data, prefix));
    }
    for (let h = 0; h < 24; h++) {
      for (let part = 0; part < 3; part++) {
        const key = rawEventKey(yesterday + h * HOUR, part);
        t += rng.int(30, 75) * 1000;
        sim.emit(s3Call(rng, {
          time: t,
          caller: caller(),
          api: 'GetObject',
          bucket: BUCKETS.data,
          key,
          size: objectSize(key, 2_000_000, 0.4),
        }));
      }
    }
    for (const table of ['orders', 'sessions', 'revenue']) {
      for (let part = 0; part < 6; part++) {
        const key = curatedKey(yesterday, table, part);
        t += rng.int(20, 60) * 1000;
        sim.emit(s3Call(rng, {
          time: t,
          caller: caller(),
          api: 'PutObject',
          bucket: BUCKETS.data,
          key,
          size: objectSize(key, 4_000_000, 0.3),
        }));
      }
    }
    for (let part = 0; part < rng.int(10, 16); part++) {
      const key = exportKey(yesterday, part);
      t += rng.int(10, 30) * 1000;
      sim.emit(s3Call(rng, {
        time: t,
        caller: caller(),
        api: 'PutObject',
        bucket: BUCKETS.data,
        key,
        size: objectSize(key, 5_000_000, 0.3),
      }));
    }
    if (isWeekend(day)) continue;
    for (let h = 8; h <= 18; h++) {
      const runAt = day + h * HOUR + rng.int(2, 8) * MINUTE;
      const micro = newSession(rng, `etl-micro-${isoDate(day).replace(/-/g, '')}T${String(h).padStart(2, '0')}`, runAt - 15_000);
      let m = runAt;
      for (let part = 0; part < rng.int(2, 4); part++) {
        const key = rawEventKey(runAt - HOUR, part);
        sim.emit(s3Call(rng, {
          time: (m += rng.int(5, 20) * 1000),
          caller: usualCaller(rng, actor, micro),
          api: 'GetObject',
          bucket: BUCKETS.data,
          key,
          size: objectSize(key, 2_000_000, 0.4),
        }));
      }
      const key = curatedKey(runAt, 'orders-intraday', h);
      sim.emit(s3Call(rng, {
        time: m + 9_000,
        caller: usualCaller(rng, actor, micro),
        api: 'PutObject',
        bucket: BUCKETS.data,
        key,
        size: objectSize(key, 800_000, 0.3),
      }));
    }
  }
};

/** The analytics account pulls the partner exports every morning through a Lambda role. */
const analyticsExport: Workload = (sim, rng) => {
  const actor = ACTORS.analyticsReader;
  const role = actor.principal;
  if (role.kind !== 'role') return;
  for (const day of daysBetween(sim.start, sim.end)) {
    const at = day + 6 * HOUR + rng.int(0, 10) * MINUTE;
    const session = newSession(rng, actor.sessionNames![0], at);
    sim.emit(assumeRoleByService(rng, at - 2_000, usualCaller(rng, ACTORS.lambda, null), role, session));
    const prefix = `exports/analytics/${isoDate(day - DAY)}/`;
    let t = at + rng.int(1, 3) * 1000;
    sim.emit(listObjects(rng, t, usualCaller(rng, actor, session), BUCKETS.data, prefix));
    for (let part = 0; part < rng.int(10, 16); part++) {
      const key = exportKey(day - DAY, part);
      t += rng.int(2, 9) * 1000;
      sim.emit(s3Call(rng, {
        time: t,
        caller: usualCaller(rng, actor, session),
        api: 'GetObject',
        bucket: BUCKETS.data,
        key,
        size: objectSize(key, 5_000_000, 0.3),
      }));
    }
  }
};

/** An on-premises integration exchanging XML batches through the data bucket every morning. */
const legacySync: Workload = (sim, rng) => {
  const actor = ACTORS.legacySync;
  for (const day of daysBetween(sim.start, sim.end)) {
    let t = day + 6 * HOUR + 30 * MINUTE + rng.int(0, 120) * 1000;
    const call = (api: 'ListObjects' | 'GetObject' | 'PutObject' | 'DeleteObject', key?: string) => {
      t += rng.int(1, 6) * 1000;
      const caller = usualCaller(rng, actor, null);
      if (api === 'ListObjects') {
        sim.emit(listObjects(rng, t, caller, BUCKETS.data, 'legacy/inbox/'));
      } else {
        sim.emit(s3Call(rng, { time: t, caller, api, bucket: BUCKETS.data, key, size: objectSize(key!, 40_000) }));
      }
    };
    call('ListObjects');
    const inbox = rng.int(3, 7);
    for (let n = 0; n < inbox; n++) call('GetObject', legacyKey(day, 'inbox', n));
    for (let n = 0; n < inbox; n++) call('DeleteObject', legacyKey(day, 'inbox', n));
    for (let n = 0; n < rng.int(2, 4); n++) call('PutObject', legacyKey(day, 'outbox', n));
  }
};

/** The nightly on-premises backup job uploading database dumps and file-server archives. */
const nightlyBackup: Workload = (sim, rng) => {
  const actor = ACTORS.backupAgent;
  for (const day of daysBetween(sim.start, sim.end)) {
    let t = day + 30 * MINUTE + rng.int(0, 10) * MINUTE;
    const caller = () => usualCaller(rng, actor, null);
    sim.emit(listObjects(rng, t, caller(), BUCKETS.backups, 'daily/'));
    // Compare against yesterday's manifest first, upload, then write today's manifest.
    const previous = backupKey(day - DAY, 'manifest.json');
    sim.emit(s3Call(rng, {
      time: (t += 2_000),
      caller: caller(),
      api: 'GetObject',
      bucket: BUCKETS.backups,
      key: previous,
      size: objectSize(previous, 4_000, 0.2),
    }));
    for (const source of BACKUP_SOURCES) {
      const key = backupKey(day, source);
      const size = objectSize(key, 400_000_000, 0.8);
      t += Math.round(size / 40_000) + rng.int(5, 30) * 1000;
      sim.emit(s3Call(rng, { time: t, caller: caller(), api: 'PutObject', bucket: BUCKETS.backups, key, size }));
      sim.emit(s3Call(rng, { time: t + rng.int(1, 3) * 1000, caller: caller(), api: 'HeadObject', bucket: BUCKETS.backups, key, size }));
    }
    const manifest = backupKey(day, 'manifest.json');
    sim.emit(s3Call(rng, {
      time: t + 5_000,
      caller: caller(),
      api: 'PutObject',
      bucket: BUCKETS.backups,
      key: manifest,
      size: objectSize(manifest, 4_000, 0.2),
    }));
  }
};

const APP_WORKLOADS: readonly (readonly [string, Workload])[] = [
  ['app-reader', appReader],
  ['etl-pipeline', etlPipeline],
  ['analytics-export', analyticsExport],
  ['legacy-sync', legacySync],
  ['nightly-backup', nightlyBackup],
];

export const BENIGN_WORKLOADS: readonly (readonly [string, Workload])[] = [
  ...APP_WORKLOADS,
  ...WEBSITE_WORKLOADS,
  ...PEOPLE_WORKLOADS,
  ...SERVICE_WORKLOADS,
];
