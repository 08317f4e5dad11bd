/**
 * Synthetic S3 server access log lines (27 fields, FORMATS.md §1.2) for the benchmark: a realistic
 * mix of operations, requesters, user agents and TLS settings, lifecycle records full of `-`, and a
 * small share of hostile lines (§1.4): quotes inside the request-URI, referer and user agent, a user
 * agent that starts or ends with a doubled quote, and the CloudFront OAI requester with spaces.
 */
import { objectSize as sizeOf, sourceIp } from './gen-network.js';
import type { Rng } from './rng.js';

export const SAL_BUCKETS = ['prod-data-lake', 'static-website-assets', 'customer-exports', 'app-logs-archive'] as const;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const OAI = 'arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHAPOMQZL';
const UAS = [
  'aws-sdk-java/2.25.16 Linux/5.10.215-203.850.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. exec-env/AWS_ECS_FARGATE io/sync http/Apache cfg/retry-mode/legacy',
  'aws-cli/2.15.30 Python/3.11.8 Linux/6.1.79-99.167.amzn2023.x86_64 exe/x86_64.amzn.2023 prompt/off command/s3.cp',
  'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10.213-201.855.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.660 Linux/5.10.213-180.871.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/25.402-b08 java/1.8.0_402 vendor/Oracle_Corporation cfg/retry-mode/standard',
  'Amazon CloudFront',
  'aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/s3#1.53.0 ft/s3-transfer',
];
const OPS = [
  ['REST.GET.OBJECT', 48],
  ['REST.HEAD.OBJECT', 12],
  ['REST.PUT.OBJECT', 12],
  ['REST.GET.BUCKET', 6],
  ['REST.DELETE.OBJECT', 3],
  ['REST.PUT.PART', 4],
  ['REST.POST.UPLOADS', 1],
  ['REST.POST.UPLOAD', 1],
  ['REST.COPY.OBJECT', 1],
  ['REST.COPY.OBJECT_GET', 1],
  ['BATCH.DELETE.OBJECT', 2],
  ['REST.POST.MULTI_OBJECT_DELETE', 0.5],
  ['REST.GET.ACL', 1],
  ['REST.GET.BUCKETPOLICY', 0.5],
  ['REST.GET.VERSIONING', 0.5],
  ['REST.GET.LOGGING_STATUS', 0.3],
  ['REST.PUT.BUCKETPOLICY', 0.05],
  ['WEBSITE.GET.OBJECT', 3],
  ['S3.EXPIRE.OBJECT', 1.5],
  ['S3.TRANSITION_SIA.OBJECT', 0.5],
] as const;
const KEYS = ['data/2025/03/03/part-', 'images/caf%C3%A9/', 'docs/%E6%97%A5%E6%9C%AC/report%20', 'exports/customer%3D4711/', 'assets/css/', 'index', 'tmp/a%2Bb%20c/'];
const SUFFIXES = ['.parquet', '.json.gz', '.csv', '.jpg', '.html', '.pdf'];
const CIPHERS = ['ECDHE-RSA-AES128-GCM-SHA256', 'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'];

export interface AccessLogLine {
  line: string;
  /** Bytes Sent as the parser should read it (`-` is zero, so it adds nothing). */
  bytesSent: number;
  hostile: boolean;
}

/** Requesters of one bucket: ARNs of another account's roles, users, canonical IDs, anonymous. */
export class RequesterPool {
  readonly owner: string;
  private readonly requesters: string[];

  constructor(r: Rng) {
    this.owner = r.hex(64);
    this.requesters = [
      ...Array.from({ length: 40 }, (_, i) => `arn:aws:sts::210987654321:assumed-role/app-${i}/session-${r.hex(6)}`),
      ...['alice', 'bob', 'ci-bot'].map((u) => `arn:aws:iam::111122223333:user/${u}`),
      'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_ReadOnlyAccess_9f8e7d6c5b4a3210/alice@example.com',
      this.owner,
      r.hex(64),
      'svc:logging.s3.amazonaws.com',
    ];
  }

  pick(r: Rng): string {
    const x = r.next();
    if (x < 0.85) return this.requesters[r.int(40)];
    if (x < 0.97) return this.requesters[40 + r.int(this.requesters.length - 40)];
    return '-';
  }
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function accessLogTime(ms: number): string {
  const d = new Date(ms);
  return `[${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000]`;
}

export function accessLogLine(r: Rng, bucket: string, pool: RequesterPool, time: number): AccessLogLine {
  const op = r.weighted(OPS);
  const method = op.split('.')[1];
  const lifecycle = op.startsWith('S3.');
  const bucketOp = op.includes('BUCKET') || op.endsWith('.ACL') || op.endsWith('VERSIONING') || op.endsWith('LOGGING_STATUS') || op.includes('MULTI_OBJECT');
  const rawKey = bucketOp ? '-' : r.pick(KEYS) + r.hex(r.range(4, 16)) + r.pick(SUFFIXES);
  const website = bucket === 'static-website-assets';
  let requester = lifecycle ? 'AmazonS3' : website && r.chance(0.7) ? '-' : pool.pick(r);
  let uri = lifecycle ? '"-"' : `"${method === 'COPY' ? 'PUT' : method} /${website ? '' : bucket + '/'}${rawKey === '-' ? '' : rawKey}${r.chance(0.1) ? `?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20250303T000000Z&X-Amz-Signature=${r.hex(64)}` : ''} HTTP/1.1"`;
  let referer = website && r.chance(0.6) ? `"https://www.example.com/${r.pick(['', 'products/', 'blog/2025/'])}"` : '"-"';
  let ua = lifecycle ? '"-"' : website && requester === '-' ? `"${r.pick(UAS.slice(3, 5))}"` : `"${r.pick(UAS)}"`;
  const status = lifecycle ? '-' : r.weighted([
    ['200', 80],
    ['206', 4],
    ['304', 4],
    ['403', 6],
    ['404', 5],
    ['503', 0.5],
  ] as const);
  const errorCode = status === '403' ? 'AccessDenied' : status === '404' ? (bucketOp ? 'NoSuchBucketPolicy' : 'NoSuchKey') : status === '503' ? 'SlowDown' : '-';
  const objectSize = lifecycle || !bucketOp ? sizeOf(r) : -1;
  let bytesSent = 0;
  if (status === '200' || status === '206') {
    if (op === 'REST.GET.OBJECT' || op === 'WEBSITE.GET.OBJECT') bytesSent = status === '206' ? Math.min(objectSize, 8_388_608) : objectSize;
    else if (bucketOp) bytesSent = r.range(200, 90_000);
  } else if (status === '403' || status === '404') bytesSent = r.range(200, 400);
  const https = lifecycle ? false : r.chance(0.985);
  const sig = lifecycle || requester === '-' ? '-' : r.chance(0.997) ? 'SigV4' : 'SigV2';
  const auth = sig === '-' ? '-' : r.chance(0.9) ? 'AuthHeader' : 'QueryString';
  const hostile = !lifecycle && r.chance(0.02);
  if (hostile) {
    switch (r.int(6)) {
      case 0:
        ua = `"Mozilla/5.0 (X11; Linux x86_64) "quoted" AppleWebKit/537.36 (KHTML, like Gecko)"`;
        break;
      case 1:
        ua = `""Mozilla/5.0 (iPhone) Safari/604.1"`;
        break;
      case 2:
        ua = `"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Safari/604.1""`;
        break;
      case 3:
        referer = `"https://evil.example/?q="a b" c"`;
        break;
      case 4:
        uri = `"GET /${bucket}/x?filename="a b.json"&X-Amz-Signature=${r.hex(16)} HTTP/1.1"`;
        break;
      default:
        requester = OAI;
    }
  }
  const fields = [
    pool.owner,
    bucket,
    accessLogTime(time),
    lifecycle ? '-' : sourceIp(r),
    requester,
    r.hexUpper(16),
    op,
    rawKey,
    uri,
    status,
    errorCode,
    bytesSent === 0 ? '-' : String(bytesSent),
    objectSize < 0 ? '-' : String(objectSize),
    lifecycle ? '-' : String(r.range(1, 900)),
    lifecycle ? '-' : String(r.range(0, 200)),
    referer,
    ua,
    r.chance(0.1) ? r.alnum(32) : '-',
    lifecycle ? '-' : r.base64(76),
    sig,
    https ? r.pick(CIPHERS) : '-',
    auth,
    lifecycle ? '-' : website && r.chance(0.5) ? `${bucket}.s3-website-us-east-1.amazonaws.com` : `${bucket}.s3.us-east-1.amazonaws.com`,
    https ? r.pick(['TLSv1.2', 'TLSv1.3', 'TLSV1.2']) : '-',
    r.chance(0.03) ? `arn:aws:s3:us-east-1:111122223333:accesspoint/analytics-ap` : '-',
    r.chance(0.05) ? 'Yes' : '-',
    r.chance(0.9) ? 'us-east-1' : '-',
  ];
  return { line: fields.join(' '), bytesSent, hostile };
}
