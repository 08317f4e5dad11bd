/**
 * (b) DuckDB `read_json` of the CloudTrail files with an explicit schema: the `Records` array typed
 * as a list of structs holding the fields trailhound's scanner extracts, unnested, with a count and
 * an aggregate per column so every column is materialised.
 *
 *   node --import tsx bench/measure-duckdb-json.ts DATA_DIR THREADS
 */
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { childArgs, cloudTrailDir, intArg, report, timed } from './common.js';

const args = childArgs();
const threads = intArg(args.rest[0], 'THREADS');

/** The leaves trailhound reads from a CloudTrail record (parsers/cloudtrail-fields.ts, envelope keys aside). */
const V = 'VARCHAR';
const RECORD: [string, string][] = [
  ['eventVersion', V],
  ['eventTime', 'TIMESTAMP'],
  ['eventSource', V],
  ['eventName', V],
  ['eventType', V],
  ['eventID', V],
  ['awsRegion', V],
  ['sourceIPAddress', V],
  ['userAgent', V],
  ['errorCode', V],
  ['requestID', V],
  ['readOnly', 'BOOLEAN'],
  ['recipientAccountId', V],
  ['vpcEndpointId', V],
  ['userIdentity', `STRUCT(type ${V}, arn ${V}, accountId ${V}, principalId ${V}, userName ${V}, invokedBy ${V}, accessKeyId ${V}, sessionContext STRUCT(sessionIssuer STRUCT(type ${V}, arn ${V})))`],
  ['requestParameters', `STRUCT(bucketName ${V}, "key" ${V})`],
  ['additionalEventData', `STRUCT(bytesTransferredOut DOUBLE, bytesTransferredIn DOUBLE, SignatureVersion ${V}, CipherSuite ${V}, AuthenticationMethod ${V}, "x-amz-id-2" ${V})`],
  ['tlsDetails', `STRUCT(tlsVersion ${V}, cipherSuite ${V})`],
];
/** Leaf paths for the aggregates, with how to aggregate them. */
const LEAVES: string[] = [
  'eventVersion', 'eventTime', 'eventSource', 'eventName', 'eventType', 'eventID', 'awsRegion', 'sourceIPAddress', 'userAgent',
  'errorCode', 'requestID', 'readOnly', 'recipientAccountId', 'vpcEndpointId',
  'userIdentity.type', 'userIdentity.arn', 'userIdentity.accountId', 'userIdentity.principalId', 'userIdentity.userName',
  'userIdentity.invokedBy', 'userIdentity.accessKeyId', 'userIdentity.sessionContext.sessionIssuer.type',
  'userIdentity.sessionContext.sessionIssuer.arn', 'requestParameters.bucketName', 'requestParameters."key"',
  'additionalEventData.bytesTransferredOut', 'additionalEventData.bytesTransferredIn', 'additionalEventData.SignatureVersion',
  'additionalEventData.CipherSuite', 'additionalEventData.AuthenticationMethod', 'additionalEventData."x-amz-id-2"',
  'tlsDetails.tlsVersion', 'tlsDetails.cipherSuite',
];

const glob = path.join(cloudTrailDir(args), '**', '*.json.gz').replaceAll("'", "''");
const recordType = `STRUCT(${RECORD.map(([k, t]) => `"${k}" ${t}`).join(', ')})[]`;
const sql = `
  WITH r AS (
    SELECT unnest(Records) AS e
    FROM read_json('${glob}', columns = {Records: '${recordType}'}, format = 'auto', records = true,
                   compression = 'gzip', maximum_object_size = 268435456)
  )
  SELECT count(*) AS n,
         sum(e.additionalEventData.bytesTransferredOut) AS bytes_out,
         min(e.eventTime) AS first, max(e.eventTime) AS last,
         ${LEAVES.map((l, i) => `count(e.${l}) AS c${i}`).join(',\n         ')}
  FROM r`;

const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const [rows, seconds] = await timed(async () => {
  const con = await instance.connect();
  const reader = await con.runAndReadAll(sql);
  return reader.getRowObjects();
});
const n = Number(rows[0].n);
if (n !== args.manifest.cloudtrail.records) throw new Error(`DuckDB returned ${n} records, manifest says ${args.manifest.cloudtrail.records}`);
report({ bytes: args.manifest.cloudtrail.bytes, records: n, seconds, notes: { columns: LEAVES.length } });
