/**
 * Synthetic CloudTrail records for the benchmark: S3 data events (GetObject, PutObject, … with
 * requestParameters, additionalEventData, tlsDetails, resources) and management events (KMS, STS,
 * EC2, IAM, S3 bucket configuration, console sign-in), from assumed-role sessions with
 * sessionContext, IAM users, AWS services and root. Some keys and messages carry unicode, quotes
 * and backslashes; a few records use `\uXXXX` escapes and float byte counts (`243.0`).
 */
import { objectSize, sourceIp } from './gen-network.js';
import type { Rng } from './rng.js';

export const CT_ACCOUNTS = ['111122223333', '444455556666', '777788889999', '210987654321'] as const;
export const CT_REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2'] as const;

const ROLES = [
  'ReadOnly',
  'DataPipeline',
  'AWSReservedSSO_AdministratorAccess_1a2b3c4d5e6f7a8b',
  'AWSReservedSSO_ReadOnlyAccess_9f8e7d6c5b4a3210',
  'ec2-app-role',
  'lambda-etl-role',
  'GitHubActionsDeploy',
  'OrganizationAccountAccessRole',
];
const USERS = ['alice', 'bob', 'ci-bot', 'carol.smith', 'deploy', 'backup-agent', 'svc-reporting'];
const PEOPLE = ['alice@example.com', 'bob@example.com', 'jürgen.müller@example.de', 'søren@example.dk', 'carol', 'i-0a1b2c3d4e5f60718'];
const SERVICES = ['athena.amazonaws.com', 'cloudtrail.amazonaws.com', 'elasticmapreduce.amazonaws.com', 'glue.amazonaws.com', 'lambda.amazonaws.com'];
const BUCKETS = ['prod-data-lake', 'ml-training-sets', 'customer-exports', 'static-website-assets', 'app-logs-archive', 'backups-eu'];
const KEY_PREFIXES = [
  'raw/2025/03/03/part-',
  'curated/sales/region=eu/',
  'exports/customer=4711/',
  'images/café/',
  'docs/日本語/報告書-',
  'tmp/"quoted"/name\\with\\backslash-',
  'models/🚀-launch/',
  'assets/css/',
];
const KEY_SUFFIXES = ['.parquet', '.json.gz', '.csv', '.jpg', '.pdf', '.tar.zst'];
const SDK_UAS = [
  '[aws-sdk-java/2.25.16 Linux/5.10.215-203.850.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. exec-env/AWS_ECS_FARGATE io/sync http/Apache cfg/retry-mode/legacy]',
  '[aws-cli/2.15.30 Python/3.11.8 Linux/6.1.79-99.167.amzn2023.x86_64 exe/x86_64.amzn.2023 prompt/off command/s3.cp]',
  '[Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10.213-201.855.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69]',
  '[aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/s3#1.53.0]',
  '[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.660 Linux/5.10.213-180.871.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/25.402-b08 java/1.8.0_402 vendor/Oracle_Corporation cfg/retry-mode/standard]',
  '[Mozilla/5.0 (X11; Linux x86_64) "quoted" \\ backslash AppleWebKit/537.36]',
];
const MGMT_UAS = [
  'aws-cli/2.15.30 Python/3.11.8 Darwin/23.4.0 exe/x86_64 prompt/off command/sts.assume-role',
  'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10 md/arch#x86_64 lang/python#3.12.2',
  'console.amazonaws.com',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'AWS Internal',
  'terraform-provider-aws/5.42.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.26.0',
];
const CIPHERS_13 = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];
const CIPHERS_12 = ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES128-SHA'];

interface Identity {
  json: Record<string, unknown>;
  /** Set for AWS service identities: used as source IP and user agent. */
  service?: string;
}

/** A fixed pool of identities per account, so principals repeat as they do in real logs. */
export class IdentityPool {
  private readonly pool: Identity[] = [];

  constructor(r: Rng, account: string) {
    for (const role of ROLES) {
      const roleId = 'AROA' + r.hexUpper(17);
      for (let s = 0; s < 4; s++) {
        const session = role.startsWith('ec2') ? `i-0${r.hex(16)}` : r.pick(PEOPLE);
        const json: Record<string, unknown> = {
          type: 'AssumedRole',
          principalId: `${roleId}:${session}`,
          arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
          accountId: account,
          accessKeyId: 'ASIA' + r.hexUpper(16),
          sessionContext: {
            sessionIssuer: {
              type: 'Role',
              principalId: roleId,
              arn: role.startsWith('AWSReservedSSO')
                ? `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/eu-west-1/${role}`
                : `arn:aws:iam::${account}:role/${role}`,
              accountId: account,
              userName: role,
            },
            webIdFederationData: {},
            attributes: { creationDate: `2025-03-0${r.range(1, 3)}T0${r.range(0, 9)}:1${r.range(0, 9)}:0${r.range(0, 9)}Z`, mfaAuthenticated: r.chance(0.3) ? 'true' : 'false' },
            ...(role.startsWith('ec2') ? { ec2RoleDelivery: '2.0' } : {}),
          },
        };
        if (role === 'DataPipeline' && s === 0) json.invokedBy = 'athena.amazonaws.com';
        this.pool.push({ json, service: json.invokedBy as string | undefined });
      }
    }
    for (const user of USERS) {
      this.pool.push({
        json: { type: 'IAMUser', principalId: 'AIDA' + r.hexUpper(17), arn: `arn:aws:iam::${account}:user/${user}`, accountId: account, accessKeyId: 'AKIA' + r.hexUpper(16), userName: user },
      });
    }
    for (const svc of SERVICES) this.pool.push({ json: { type: 'AWSService', invokedBy: svc }, service: svc });
    this.pool.push({ json: { type: 'Root', principalId: account, arn: `arn:aws:iam::${account}:root`, accountId: account, accessKeyId: '' } });
  }

  pick(r: Rng): Identity {
    // Assumed roles dominate real traffic; root is rare.
    const x = r.next();
    const roles = ROLES.length * 4;
    if (x < 0.72) return this.pool[r.int(roles)];
    if (x < 0.9) return this.pool[roles + r.int(USERS.length)];
    if (x < 0.998) return this.pool[roles + USERS.length + r.int(SERVICES.length)];
    return this.pool[this.pool.length - 1];
  }
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function tls(r: Rng, host: string): Record<string, unknown> | undefined {
  const x = r.next();
  if (x < 0.02) return undefined;
  if (x < 0.6) return { tlsVersion: 'TLSv1.3', cipherSuite: r.pick(CIPHERS_13), clientProvidedHostHeader: host, ...(r.chance(0.4) ? { keyExchange: r.pick(['X25519MLKEM768', 'x25519']) } : {}) };
  if (x < 0.995) return { tlsVersion: 'TLSv1.2', cipherSuite: r.pick(CIPHERS_12), clientProvidedHostHeader: host };
  return { tlsVersion: 'TLSv1', cipherSuite: 'ECDHE-RSA-AES128-SHA', clientProvidedHostHeader: host };
}

const S3_DATA_OPS = [
  ['GetObject', 45],
  ['PutObject', 20],
  ['HeadObject', 12],
  ['ListObjects', 8],
  ['DeleteObject', 5],
  ['CopyObject', 3],
  ['CreateMultipartUpload', 2],
  ['UploadPart', 3],
  ['DeleteObjects', 2],
] as const;

function s3DataEvent(r: Rng, id: Identity, account: string, region: string, time: number): Record<string, unknown> {
  const op = r.weighted(S3_DATA_OPS);
  const bucket = r.pick(BUCKETS);
  const host = r.chance(0.8) ? `${bucket}.s3.${region}.amazonaws.com` : `s3.${region}.amazonaws.com`;
  const key = r.pick(KEY_PREFIXES) + r.hex(r.range(6, 20)) + r.pick(KEY_SUFFIXES);
  const denied = r.chance(0.03);
  const size = objectSize(r);
  const requestParameters: Record<string, unknown> =
    op === 'ListObjects'
      ? { 'list-type': '2', bucketName: bucket, 'encoding-type': 'url', prefix: r.pick(KEY_PREFIXES), delimiter: '/', Host: host }
      : op === 'DeleteObjects'
        ? { bucketName: bucket, Host: host, delete: '', 'x-id': 'DeleteObjects' }
        : { bucketName: bucket, Host: host, key, ...(op === 'GetObject' && r.chance(0.2) ? { 'response-content-disposition': 'attachment; filename="report é.pdf"' } : {}) };
  if (op === 'UploadPart') Object.assign(requestParameters, { partNumber: String(r.range(1, 200)), uploadId: r.base64(64) });
  if (op === 'CopyObject') requestParameters['x-amz-copy-source'] = `${r.pick(BUCKETS)}/${key}`;
  const bytesIn = op === 'PutObject' || op === 'UploadPart' ? size : 0;
  const bytesOut = denied ? 0 : op === 'GetObject' ? size : op === 'ListObjects' ? r.range(300, 90_000) : 0;
  const resources: Record<string, unknown>[] =
    op === 'ListObjects' || op === 'DeleteObjects'
      ? [{ accountId: account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }]
      : [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` }, { accountId: account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }];
  const ev: Record<string, unknown> = {
    eventVersion: r.pick(['1.09', '1.10', '1.11']),
    userIdentity: id.json,
    eventTime: isoSeconds(time),
    eventSource: 's3.amazonaws.com',
    eventName: op,
    awsRegion: region,
    sourceIPAddress: id.service ?? sourceIp(r),
    userAgent: id.service ?? r.pick(SDK_UAS),
    requestParameters,
    responseElements:
      op === 'PutObject' && !denied ? { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-version-id': r.alnum(32), 'x-amz-server-side-encryption-aws-kms-key-id': `arn:aws:kms:${region}:${account}:key/${r.uuid()}` } : null,
    additionalEventData: {
      SignatureVersion: r.chance(0.998) ? 'SigV4' : 'SigV2',
      CipherSuite: r.pick(CIPHERS_13),
      bytesTransferredIn: bytesIn,
      ...(r.chance(0.5) ? { SSEApplied: 'SSE_KMS' } : {}),
      AuthenticationMethod: r.chance(0.9) ? 'AuthHeader' : 'QueryString',
      'x-amz-id-2': r.base64(76),
      bytesTransferredOut: bytesOut,
      ...(r.chance(0.05) ? { aclRequired: 'Yes' } : {}),
    },
    requestID: r.hexUpper(16),
    eventID: r.uuid(),
    readOnly: op === 'GetObject' || op === 'HeadObject' || op === 'ListObjects',
    resources,
    eventType: 'AwsApiCall',
    managementEvent: false,
    recipientAccountId: account,
    ...(r.chance(0.15) ? { vpcEndpointId: `vpce-0${r.hex(16)}`, vpcEndpointAccountId: account } : {}),
    eventCategory: 'Data',
  };
  if (denied) {
    ev.errorCode = 'AccessDenied';
    ev.errorMessage = 'Access Denied';
  }
  const t = tls(r, host);
  if (t) ev.tlsDetails = t;
  return ev;
}

const MGMT_OPS = [
  ['Decrypt', 20],
  ['GenerateDataKey', 10],
  ['AssumeRole', 18],
  ['GetParameter', 10],
  ['DescribeInstances', 10],
  ['GetBucketAcl', 6],
  ['ListBuckets', 5],
  ['GetBucketPolicy', 5],
  ['CreatePolicy', 3],
  ['PutBucketTagging', 3],
  ['ConsoleLogin', 3],
  ['PutBucketPolicy', 2],
  ['PutBucketPublicAccessBlock', 1],
  ['StopLogging', 0.2],
] as const;

const SERVICE_OF: Record<string, string> = {
  Decrypt: 'kms.amazonaws.com',
  GenerateDataKey: 'kms.amazonaws.com',
  AssumeRole: 'sts.amazonaws.com',
  GetParameter: 'ssm.amazonaws.com',
  DescribeInstances: 'ec2.amazonaws.com',
  CreatePolicy: 'iam.amazonaws.com',
  ConsoleLogin: 'signin.amazonaws.com',
  StopLogging: 'cloudtrail.amazonaws.com',
};

function managementEvent(r: Rng, id: Identity, account: string, region: string, time: number): Record<string, unknown> {
  const op = r.weighted(MGMT_OPS);
  const source = SERVICE_OF[op] ?? 's3.amazonaws.com';
  const bucket = r.pick(BUCKETS);
  let requestParameters: Record<string, unknown> | null = null;
  let responseElements: Record<string, unknown> | null = null;
  let additionalEventData: Record<string, unknown> | undefined;
  const keyArn = `arn:aws:kms:${region}:${account}:key/${r.uuid()}`;
  switch (op) {
    case 'Decrypt':
    case 'GenerateDataKey':
      requestParameters = {
        encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::${bucket}/${r.pick(KEY_PREFIXES)}${r.hex(8)}` },
        encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        ...(op === 'GenerateDataKey' ? { keyId: keyArn, keySpec: 'AES_256' } : {}),
      };
      break;
    case 'AssumeRole':
      requestParameters = { roleArn: `arn:aws:iam::${account}:role/${r.pick(ROLES)}`, roleSessionName: r.pick(PEOPLE), durationSeconds: 3600 };
      responseElements = {
        credentials: { accessKeyId: 'ASIA' + r.hexUpper(16), sessionToken: r.base64(600), expiration: 'Mar 3, 2025, 11:00:00 AM' },
        assumedRoleUser: { assumedRoleId: `AROA${r.hexUpper(17)}:${r.pick(PEOPLE)}`, arn: `arn:aws:sts::${account}:assumed-role/${r.pick(ROLES)}/${r.pick(PEOPLE)}` },
      };
      break;
    case 'GetParameter':
      requestParameters = { name: `/app/${r.pick(['prod', 'staging'])}/db-password`, withDecryption: true };
      break;
    case 'DescribeInstances':
      requestParameters = { instancesSet: { items: [{ instanceId: `i-0${r.hex(16)}` }, { instanceId: `i-0${r.hex(16)}` }] }, filterSet: { items: [{ name: 'tag:Name', valueSet: { items: [{ value: 'web-überserver' }] } }] } };
      break;
    case 'GetBucketAcl':
    case 'GetBucketPolicy':
      requestParameters = { bucketName: bucket, Host: `${bucket}.s3.${region}.amazonaws.com`, [op === 'GetBucketAcl' ? 'acl' : 'policy']: '' };
      break;
    case 'ListBuckets':
      requestParameters = { Host: `s3.${region}.amazonaws.com` };
      break;
    case 'CreatePolicy':
      requestParameters = {
        policyName: `s3-read-${r.hex(6)}`,
        description: 'Lecture seule — données « clients » "prod"',
        policyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`] }] }, null, 4),
      };
      responseElements = { policy: { policyName: 'x', policyId: 'ANPA' + r.hexUpper(17), arn: `arn:aws:iam::${account}:policy/x`, path: '/', defaultVersionId: 'v1', attachmentCount: 0, isAttachable: true } };
      break;
    case 'PutBucketTagging':
      requestParameters = { bucketName: bucket, Host: `${bucket}.s3.${region}.amazonaws.com`, Tagging: { TagSet: { Tag: [{ Key: 'owner', Value: 'équipe-données' }, { Key: 'cost-center', Value: '4711' }] }, xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' }, tagging: '' };
      break;
    case 'ConsoleLogin':
      responseElements = { ConsoleLogin: r.chance(0.9) ? 'Success' : 'Failure' };
      additionalEventData = { LoginTo: 'https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true', MobileVersion: 'No', MFAUsed: r.chance(0.7) ? 'Yes' : 'No' };
      break;
    case 'PutBucketPolicy':
      requestParameters = {
        bucketPolicy: {
          Version: '2012-10-17',
          Statement: [
            { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`], Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
            { Sid: 'AllowOrg', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*`, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } },
          ],
        },
        bucketName: bucket,
        Host: `${bucket}.s3.${region}.amazonaws.com`,
        policy: '',
      };
      break;
    case 'PutBucketPublicAccessBlock':
      requestParameters = {
        publicAccessBlock: '',
        bucketName: bucket,
        PublicAccessBlockConfiguration: { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/', RestrictPublicBuckets: true, BlockPublicPolicy: true, BlockPublicAcls: true, IgnorePublicAcls: true },
        Host: `${bucket}.s3.${region}.amazonaws.com`,
      };
      break;
    case 'StopLogging':
      requestParameters = { name: `arn:aws:cloudtrail:${region}:${account}:trail/org-trail` };
      break;
  }
  const host = source === 's3.amazonaws.com' ? `${bucket}.s3.${region}.amazonaws.com` : source.replace('amazonaws.com', `${region}.amazonaws.com`);
  const ev: Record<string, unknown> = {
    eventVersion: '1.08',
    userIdentity: id.json,
    eventTime: isoSeconds(time),
    eventSource: source,
    eventName: op,
    awsRegion: region,
    sourceIPAddress: id.service ?? (r.chance(0.1) ? 'AWS Internal' : sourceIp(r)),
    userAgent: id.service ?? r.pick(MGMT_UAS),
    requestParameters,
    responseElements,
    ...(additionalEventData ? { additionalEventData } : {}),
    requestID: r.uuid(),
    eventID: r.uuid(),
    readOnly: /^(Get|List|Describe|Decrypt)/.test(op),
    ...(op === 'Decrypt' || op === 'GenerateDataKey' ? { resources: [{ accountId: account, type: 'AWS::KMS::Key', ARN: keyArn }] } : {}),
    eventType: op === 'ConsoleLogin' ? 'AwsConsoleSignIn' : 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: 'Management',
  };
  if (r.chance(0.06)) {
    ev.errorCode = 'AccessDenied';
    ev.errorMessage = `User: ${String(id.json.arn ?? 'unknown')} is not authorized to perform: ${source.split('.')[0]}:${op} on resource: "${bucket}" because no identity-based policy allows it \u2014 “denied”\n(see \\docs)`;
  }
  if (op === 'ConsoleLogin' && r.chance(0.05)) ev.sessionCredentialFromConsole = 'true';
  const t = id.service ? undefined : tls(r, host);
  if (t) ev.tlsDetails = t;
  return ev;
}

/** Serialises one record as AWS does (compact JSON); a few use `\uXXXX` escapes or `243.0` byte counts. */
export function recordJson(r: Rng, account: string, region: string, time: number, pool: IdentityPool): { json: string; bytesOut: number } {
  const id = pool.pick(r);
  const ev = r.chance(0.7) ? s3DataEvent(r, id, account, region, time) : managementEvent(r, id, account, region, time);
  const aed = ev.additionalEventData as Record<string, unknown> | undefined;
  const bytesOut = typeof aed?.bytesTransferredOut === 'number' ? aed.bytesTransferredOut : 0;
  let json = JSON.stringify(ev);
  if (r.chance(0.01)) json = json.replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  if (r.chance(0.02)) json = json.replace(/"bytesTransferred(In|Out)":(\d+)/g, '"bytesTransferred$1":$2.0');
  return { json, bytesOut };
}
