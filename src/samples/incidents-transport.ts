/**
 * Incidents for the insecure-transport detector: plain HTTP, a TLS 1.1 client and a SigV2
 * client, each a known identity on one bucket over part of one day.
 */
import { tlsTransport, usualCaller, type Caller } from './api-call.js';
import { BACKUP_SOURCES, backupKey, legacyKey, objectSize } from './catalog.js';
import { DAY, HOUR, isoDate, MINUTE, spread } from './clock.js';
import type { IncidentSpec } from './incidents.js';
import { ACTORS, BUCKETS, canonicalPrincipal, type Actor } from './org.js';
import { listObjects, s3Call } from './s3-calls.js';

const plaintextRestoreTest: IncidentSpec = {
  id: 'it-backup-agent-plain-http',
  detector: 'insecure-transport',
  day: 1,
  inject({ rng, evidence }, day) {
    const actor = ACTORS.backupAgent;
    const caller = (): Caller => ({
      ...usualCaller(rng, actor, null),
      transport: { tlsVersion: null, cipherSuite: null, signatureVersion: 'SigV4', authType: 'AuthHeader' },
    });
    for (let h = 9; h < 15; h++) {
      for (const at of spread(rng, day + h * HOUR, HOUR, rng.int(4, 7))) {
        const back = rng.int(1, 5);
        const roll = rng.next();
        if (roll < 0.2) {
          evidence(listObjects(rng, at, caller(), BUCKETS.backups, `daily/${isoDate(day - back * DAY)}/`));
        } else if (roll < 0.6) {
          const key = backupKey(day - back * DAY, rng.pick(BACKUP_SOURCES));
          evidence(s3Call(rng, {
            time: at,
            caller: caller(),
            api: 'HeadObject',
            bucket: BUCKETS.backups,
            key,
            size: objectSize(key, 400_000_000, 0.8),
          }));
        } else {
          const key = backupKey(day - back * DAY, 'manifest.json');
          evidence(s3Call(rng, {
            time: at,
            caller: caller(),
            api: 'GetObject',
            bucket: BUCKETS.backups,
            key,
            size: objectSize(key, 4_000, 0.2),
          }));
        }
      }
    }
    return {
      subject: { principal: canonicalPrincipal(actor.principal), bucket: BUCKETS.backups.name },
      description: 'A restore test of the backup agent talks to the backups bucket over plain HTTP (no TLS) from 09:00 to 15:00.',
    };
  },
};

const oldTlsUploader: IncidentSpec = {
  id: 'it-media-uploader-tls11',
  detector: 'insecure-transport',
  day: 0,
  inject({ rng, evidence }, day) {
    const actor = ACTORS.mediaUploader;
    const caller = (): Caller => ({
      ...usualCaller(rng, actor, null),
      userAgent: 'Cyberduck/4.7.3.18402 (Windows 7/6.1) (x86)',
      transport: tlsTransport(rng, 'TLSv1.1'),
    });
    let t = day + 10 * HOUR + rng.int(0, 20) * MINUTE;
    evidence(listObjects(rng, t, caller(), BUCKETS.website, 'images/'));
    for (let n = 1; n <= 6; n++) {
      const key = `images/press-kit-${isoDate(day)}-${n}.jpg`;
      t += rng.int(4, 15) * MINUTE;
      evidence(s3Call(rng, { time: t, caller: caller(), api: 'PutObject', bucket: BUCKETS.website, key, size: objectSize(key, 900_000) }));
    }
    return {
      subject: { principal: canonicalPrincipal(actor.principal), bucket: BUCKETS.website.name },
      description: 'The media uploader publishes a press kit from an old Windows 7 machine that negotiates TLS 1.1.',
    };
  },
};

const sigV2Client: IncidentSpec = {
  id: 'it-legacy-sync-sigv2',
  detector: 'insecure-transport',
  day: 0,
  inject({ rng, evidence }, day) {
    const client: Actor = {
      ...ACTORS.legacySync,
      userAgents: ['Boto/2.49.0 Python/2.7.18 Linux/4.15.0-213-generic'],
      hostStyle: 'path',
    };
    const caller = (): Caller => usualCaller(rng, client, null);
    for (let h = 8; h < 11; h++) {
      let t = day + h * HOUR + rng.int(0, 10) * MINUTE;
      const sigv2 = (): Caller => ({ ...caller(), transport: tlsTransport(rng, 'TLSv1.2', 'SigV2') });
      evidence(listObjects(rng, t, sigv2(), BUCKETS.data, 'legacy/outbox/'));
      for (let n = 0; n < rng.int(2, 4); n++) {
        const key = legacyKey(day - DAY, 'outbox', n);
        t += rng.int(2, 20) * 1000;
        evidence(s3Call(rng, { time: t, caller: sigv2(), api: 'GetObject', bucket: BUCKETS.data, key, size: objectSize(key, 40_000) }));
      }
    }
    return {
      subject: { principal: canonicalPrincipal(ACTORS.legacySync.principal), bucket: BUCKETS.data.name },
      description: 'A forgotten boto2 cron job of the legacy-sync user polls the data bucket with Signature Version 2 requests every hour from 08:00.',
    };
  },
};

export const TRANSPORT_INCIDENTS: readonly IncidentSpec[] = [plaintextRestoreTest, oldTlsUploader, sigV2Client];
