/**
 * (d) DuckDB `read_csv` of the access logs: space-delimited, `"` quote and escape, no header,
 * typed numeric columns with `-` as NULL, `ignore_errors = true`. The bracketed time holds a
 * space, so a 27-field line is 28 CSV columns. DuckDB has no notion of AWS's unescaped quotes:
 * hostile lines are dropped or mis-split, so the rows it returns are compared with the lines.
 *
 *   node --import tsx bench/measure-duckdb-csv.ts DATA_DIR THREADS
 */
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { accessLogDir, childArgs, intArg, report, timed } from './common.js';

const args = childArgs();
const threads = intArg(args.rest[0], 'THREADS');

const V = 'VARCHAR';
const COLUMNS: [string, string][] = [
  ['bucket_owner', V],
  ['bucket', V],
  ['time', V],
  ['time_offset', V],
  ['remote_ip', V],
  ['requester', V],
  ['request_id', V],
  ['operation', V],
  ['key', V],
  ['request_uri', V],
  ['http_status', 'SMALLINT'],
  ['error_code', V],
  ['bytes_sent', 'BIGINT'],
  ['object_size', 'BIGINT'],
  ['total_time', 'INTEGER'],
  ['turn_around_time', 'INTEGER'],
  ['referer', V],
  ['user_agent', V],
  ['version_id', V],
  ['host_id', V],
  ['signature_version', V],
  ['cipher_suite', V],
  ['auth_type', V],
  ['host_header', V],
  ['tls_version', V],
  ['access_point_arn', V],
  ['acl_required', V],
  ['source_region', V],
];

const glob = path.join(accessLogDir(args), '*', '*').replaceAll("'", "''");
const sql = `
  SELECT count(*) AS n, sum(bytes_sent) AS bytes_sent,
         ${COLUMNS.map(([c], i) => `count("${c}") AS c${i}`).join(', ')}
  FROM read_csv('${glob}', delim = ' ', quote = '"', escape = '"', header = false, auto_detect = false,
                nullstr = '-', ignore_errors = true, compression = 'none',
                columns = {${COLUMNS.map(([c, t]) => `'${c}': '${t}'`).join(', ')}})`;

const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
const [rows, seconds] = await timed(async () => {
  const con = await instance.connect();
  const reader = await con.runAndReadAll(sql);
  return reader.getRowObjects();
});
const n = Number(rows[0].n);
const lines = args.manifest.s3access.lines;
report({
  bytes: args.manifest.s3access.bytes,
  records: n,
  seconds,
  notes: { rows: n, lines, missing: lines - n, hostileLines: args.manifest.s3access.hostileLines, bytesSentSum: String(rows[0].bytes_sent), expectedBytesSent: args.manifest.s3access.bytesSentSum },
});
