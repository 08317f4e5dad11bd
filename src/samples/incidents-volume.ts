/**
 * Incidents for the volume-spike detector: a bulk download, a delete burst and an
 * AccessDenied burst, each inside one clock hour and far above both the principal's own
 * history and the absolute cold-start floors.
 */
import { usualCaller } from './api-call.js';
import { instanceSession } from './benign.js';
import { personCaller } from './benign-people.js';
import { BACKUP_SOURCES, backupKey, customerArchiveKey, customerReportKey, CUSTOMERS, objectSize, RESTRICTED_PREFIXES } from './catalog.js';
import { DAY, HOUR, MINUTE, spread } from './clock.js';
import { stolenSession } from './incidents-config.js';
import type { IncidentSpec } from './incidents.js';
import { ACTORS, BUCKETS, canonicalPrincipal, PEOPLE, UA } from './org.js';
import { listObjects, s3Call } from './s3-calls.js';

const APP = ACTORS.appReader;

const bulkDownload: IncidentSpec = {
  id: 'vs-app-reader-bulk-download',
  detector: 'volume-spike',
  day: 1,
  inject({ rng, evidence }, day) {
    const keys: string[] = [];
    for (let customer = 1; customer <= CUSTOMERS; customer++) {
      for (let year = 2021; year <= 2025; year++) keys.push(customerArchiveKey(customer, year));
    }
    for (let n = 0; n < 500; n++) keys.push(customerReportKey(rng, day - rng.int(0, 90) * DAY));
    rng.shuffle(keys);
    const times = spread(rng, day + 14 * HOUR + 5 * MINUTE, 50 * MINUTE, keys.length);
    keys.forEach((key, i) => {
      const caller = usualCaller(rng, APP, instanceSession(rng, APP, 1, times[i]), APP.ips[1]);
      const size = objectSize(key, key.includes('/archive/') ? 1_600_000 : 180_000);
      evidence(s3Call(rng, { time: times[i], caller, api: 'GetObject', bucket: BUCKETS.data, key, size }));
    });
    return {
      subject: { principal: canonicalPrincipal(APP.principal), bucket: BUCKETS.data.name },
      description: `The application role downloads ${keys.length} objects (every customer's statement archives) from its usual address within 50 minutes — over 2 GB, against about 15 requests an hour normally.`,
    };
  },
};

const deleteBurst: IncidentSpec = {
  id: 'vs-admin-delete-burst-backups',
  detector: 'volume-spike',
  day: 2,
  inject(ctx, day) {
    const { rng, evidence } = ctx;
    const person = PEOPLE.bob;
    const start = day + 4 * HOUR + 5 * MINUTE;
    const session = stolenSession(ctx, day);
    const keys: string[] = [];
    for (let back = 1; back <= 29; back++) {
      for (const source of BACKUP_SOURCES) keys.push(backupKey(day - back * DAY, source));
    }
    const deletes = keys.slice(0, 230);
    const times = spread(rng, start, 45 * MINUTE, deletes.length);
    const cli = UA.cliAdmin.replace('sts.get-caller-identity', 's3.rm');
    evidence(listObjects(rng, start - 30_000, personCaller(rng, person, session, cli), BUCKETS.backups, 'daily/'));
    deletes.forEach((key, i) => {
      evidence(s3Call(rng, {
        time: times[i],
        caller: personCaller(rng, person, session, cli),
        api: 'DeleteObject',
        bucket: BUCKETS.backups,
        key,
      }));
    });
    return {
      subject: { principal: canonicalPrincipal(person.actor.principal), bucket: BUCKETS.backups.name },
      description: `The administrator role deletes ${deletes.length} backup objects in 45 minutes at 04:00, right after versioning was suspended on the bucket.`,
    };
  },
};

const accessDeniedBurst: IncidentSpec = {
  id: 'vs-app-reader-access-denied-burst',
  detector: 'volume-spike',
  day: 2,
  inject({ rng, evidence }, day) {
    const times = spread(rng, day + 10 * HOUR + 2 * MINUTE, 38 * MINUTE, 140);
    times.forEach((at, i) => {
      const caller = usualCaller(rng, APP, instanceSession(rng, APP, 2, at), APP.ips[2]);
      const prefix = RESTRICTED_PREFIXES[i % RESTRICTED_PREFIXES.length];
      if (i % 14 === 0) {
        evidence(listObjects(rng, at, caller, BUCKETS.data, prefix, 'AccessDenied'));
        return;
      }
      const month = `${rng.pick(['2025', '2026'])}-${String(rng.int(1, 12)).padStart(2, '0')}`;
      const key = `${prefix}${month}/${rng.pick(['summary', 'export', 'all', 'keys', 'staff'])}.${rng.pick(['xlsx', 'csv', 'json', 'pdf'])}`;
      evidence(s3Call(rng, { time: at, caller, api: 'GetObject', bucket: BUCKETS.data, key, errorCode: 'AccessDenied' }));
    });
    return {
      subject: { principal: canonicalPrincipal(APP.principal), bucket: BUCKETS.data.name },
      description: 'The application role is denied 140 times in 40 minutes probing finance, HR and secrets prefixes it has no access to.',
    };
  },
};

export const VOLUME_INCIDENTS: readonly IncidentSpec[] = [bulkDownload, deleteBurst, accessDeniedBurst];
