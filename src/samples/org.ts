/**
 * The simulated organisation, Northwind: its accounts, buckets, identities and the habits
 * (networks, user agents, TLS) each identity shows in the logs. Fixed for every seed, so
 * labels and documentation can name them; the seed only changes what they do and when.
 */
export const HOME_REGION = 'us-east-1';
export const SECOND_REGION = 'us-west-2';

export interface Account {
  id: string;
  alias: string;
  /** Canonical user id: the Bucket Owner field of access logs. */
  canonicalUserId: string;
}

export const ACCOUNTS = {
  prod: {
    id: '418632750914',
    alias: 'northwind-prod',
    canonicalUserId: '689779ea7730cadaf7e0e422ff301714c6736541b1e26f31c3e689ed9d466d0a',
  },
  analytics: {
    id: '530716829104',
    alias: 'northwind-analytics',
    canonicalUserId: '6bb5245e4e3840d293678e99d322bc89673275baabd13af33ff47f9fa9df2d49',
  },
  /** Not Northwind's: only ever seen in an incident. */
  outsider: {
    id: '902375614420',
    alias: 'unknown',
    canonicalUserId: '627432614f2e91044e6d26029ddbb5c71a8173cbed6f6be300af217f29ddd369',
  },
} as const satisfies Record<string, Account>;

/** Which S3 data events the trail records for a bucket (advanced event selectors). */
export type DataEventSelector = 'all' | 'write-only' | 'none';

export interface Bucket {
  name: string;
  account: Account;
  region: string;
  dataEvents: DataEventSelector;
  /** Server access logging enabled (target: the logs bucket). */
  accessLogged: boolean;
  versioned: boolean;
}

const bucket = (name: string, dataEvents: DataEventSelector, accessLogged: boolean, versioned: boolean): Bucket => ({
  name,
  account: ACCOUNTS.prod,
  region: HOME_REGION,
  dataEvents,
  accessLogged,
  versioned,
});

export const BUCKETS = {
  /** Private data lake: raw events, curated tables, customer reports, partner exports. */
  data: bucket('northwind-prod-data', 'all', true, true),
  backups: bucket('northwind-prod-backups', 'all', true, true),
  /** Target of access logs and of both trails; only writes under AWSLogs/ are data events. */
  logs: bucket('northwind-prod-logs', 'write-only', false, false),
  /** Public website assets: anonymous GETs from anywhere are normal here. */
  website: bucket('northwind-www', 'none', true, false),
} as const;

export const TRAILS = {
  prod: { account: ACCOUNTS.prod, name: 'northwind-org-trail', homeRegion: HOME_REGION },
  analytics: { account: ACCOUNTS.analytics, name: 'analytics-trail', homeRegion: HOME_REGION },
} as const;

export type Principal =
  | { kind: 'role'; account: Account; name: string; path: string; roleId: string }
  | { kind: 'user'; account: Account; name: string; userId: string; accessKeyId: string }
  | { kind: 'root'; account: Account }
  | { kind: 'service'; service: string }
  | { kind: 'anonymous' };

export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

/** How a client reaches S3: virtual-hosted regional, virtual-hosted global, or path style. */
export type HostStyle = 'regional' | 'global' | 'path';

export interface Actor {
  id: string;
  principal: Principal;
  ips: readonly string[];
  userAgents: readonly string[];
  tls: TlsVersion;
  hostStyle: HostStyle;
  /** Requests originate inside AWS (access-log Source region is set). */
  inAws: boolean;
  /** The AWS service acting on the principal's behalf (CloudTrail `invokedBy`). */
  invokedBy?: string;
  sessionNames?: readonly string[];
}

const P = ACCOUNTS.prod;
const A = ACCOUNTS.analytics;

const role = (account: Account, name: string, path: string, roleId: string): Principal => ({
  kind: 'role',
  account,
  name,
  path,
  roleId,
});
const user = (name: string, userId: string, accessKeyId: string): Principal => ({
  kind: 'user',
  account: P,
  name,
  userId,
  accessKeyId,
});

export const UA = {
  javaV2:
    'aws-sdk-java/2.25.16 Linux/5.10.213-201.855.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. md/io#sync md/http#Apache ua/2.0 cfg/retry-mode#legacy',
  boto3:
    'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10.213-201.855.amzn2.x86_64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69',
  boto3Analytics:
    'Boto3/1.34.44 md/Botocore#1.34.44 ua/2.0 os/linux#5.10.209-198.858.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#standard Botocore/1.34.44',
  console:
    'S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.750 Linux/5.10.220-188.869.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/25.412-b09 java/1.8.0_412 vendor/Oracle_Corporation cfg/retry-mode/standard',
  cliCi: (command: string) =>
    `aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-1016-azure exe/x86_64.ubuntu.22 prompt/off command/${command}`,
  cliAdmin: 'aws-cli/2.15.38 Python/3.11.8 Darwin/23.4.0 exe/x86_64 prompt/off command/sts.get-caller-identity',
  rclone: 'rclone/v1.66.0',
  javaLegacy:
    'aws-sdk-java/1.12.261 Linux/3.10.0-1160.108.1.el7.x86_64 OpenJDK_64-Bit_Server_VM/25.402-b06 java/1.8.0_402 vendor/Red_Hat,_Inc. cfg/retry-mode/standard',
  cyberduck: 'Cyberduck/8.8.2.41605 (Mac OS X/14.4.1) (aarch64)',
  firefox: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:124.0) Gecko/20100101 Firefox/124.0',
  chrome:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36',
  kali: 'aws-cli/2.13.5 Python/3.11.4 Linux/6.3.0-kali1-amd64 exe/x86_64.kali.2023 prompt/off',
} as const;

export const BROWSERS = [
  UA.chrome,
  UA.firefox,
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.6312.99 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36 Edg/123.0.2420.81',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
] as const;

const actor = (a: Actor): Actor => a;

export const ACTORS = {
  appReader: actor({
    id: 'app-reader',
    principal: role(P, 'app-reader', '/service-role/', 'AROARJ5Q74SKK6Z3J32S'),
    ips: ['198.51.100.21', '198.51.100.22', '198.51.100.23'],
    userAgents: [UA.javaV2],
    tls: 'TLSv1.3',
    hostStyle: 'regional',
    inAws: true,
    sessionNames: ['i-0a3f9c27d5e81b604', 'i-0c71e4b8a29f06d35', 'i-05d2b96e1f4a7c380'],
  }),
  etl: actor({
    id: 'etl-pipeline',
    principal: role(P, 'etl-pipeline', '/', 'AROARJ5Q7V76YFH34ZUA'),
    ips: ['198.51.100.40'],
    userAgents: [UA.boto3],
    tls: 'TLSv1.3',
    hostStyle: 'regional',
    inAws: true,
  }),
  admin: actor({
    id: 'sso-admin',
    principal: role(
      P,
      'AWSReservedSSO_AdministratorAccess_8f2b4c6d1e3a5f70',
      '/aws-reserved/sso.amazonaws.com/',
      'AROARJ5Q7QULOT6WMW4V',
    ),
    ips: ['203.0.113.10', '203.0.113.11', '2001:db8:4a7:1::1a'],
    userAgents: [UA.console],
    tls: 'TLSv1.3',
    hostStyle: 'regional',
    inAws: false,
    sessionNames: ['alice@northwind.example', 'bob@northwind.example'],
  }),
  readOnly: actor({
    id: 'sso-readonly',
    principal: role(
      P,
      'AWSReservedSSO_ReadOnlyAccess_2c9e7a1b4d6f8035',
      '/aws-reserved/sso.amazonaws.com/',
      'AROARJ5Q7YQM25PH75PV',
    ),
    ips: ['203.0.113.24', '203.0.113.25', '2001:db8:4a7:1::2f'],
    userAgents: [UA.console],
    tls: 'TLSv1.3',
    hostStyle: 'regional',
    inAws: false,
    sessionNames: ['carol@northwind.example', 'dave@northwind.example'],
  }),
  ciDeployer: actor({
    id: 'ci-deployer',
    principal: user('ci-deployer', 'AIDARJ5Q7NID2QMEYOMJ', 'AKIARJ5Q7KAGP33OFLFI'),
    ips: ['192.0.2.50', '192.0.2.51', '192.0.2.52', '192.0.2.53'],
    userAgents: [UA.cliCi('s3.sync')],
    tls: 'TLSv1.3',
    hostStyle: 'regional',
    inAws: false,
  }),
  backupAgent: actor({
    id: 'backup-agent',
    principal: user('backup-agent', 'AIDARJ5Q7GSSAWW4JJ3O', 'AKIARJ5Q7U63QIITC6ZM'),
    ips: ['192.0.2.80'],
    userAgents: [UA.rclone],
    tls: 'TLSv1.2',
    hostStyle: 'regional',
    inAws: false,
  }),
  legacySync: actor({
    id: 'legacy-sync',
    principal: user('legacy-sync', 'AIDARJ5Q7YEIEMPG7TGE', 'AKIARJ5Q7XUAIOSLKUIW'),
    ips: ['192.0.2.90'],
    userAgents: [UA.javaLegacy],
    tls: 'TLSv1.2',
    hostStyle: 'global',
    inAws: false,
  }),
  mediaUploader: actor({
    id: 'media-uploader',
    principal: user('media-uploader', 'AIDARJ5Q7PNZJ32JG45N', 'AKIARJ5Q7JLDCFI5EELN'),
    ips: ['203.0.113.31'],
    userAgents: [UA.cyberduck],
    tls: 'TLSv1.3',
    hostStyle: 'regional',
    inAws: false,
  }),
  analyticsReader: actor({
    id: 'analytics-reader',
    principal: role(A, 'analytics-reader', '/', 'AROAXW3NB6QTK2MZ4R7D'),
    ips: ['198.51.100.131'],
    userAgents: [UA.boto3Analytics],
    tls: 'TLSv1.3',
    hostStyle: 'regional',
    inAws: true,
    sessionNames: ['nightly-export'],
  }),
  analyticsAdmin: actor({
    id: 'analytics-sso-admin',
    principal: role(
      A,
      'AWSReservedSSO_AdministratorAccess_51d0e8c3a7b29f64',
      '/aws-reserved/sso.amazonaws.com/',
      'AROAXW3NB6QJ7PL2WQ5C',
    ),
    ips: ['203.0.113.10', '203.0.113.11'],
    userAgents: [UA.firefox],
    tls: 'TLSv1.3',
    hostStyle: 'regional',
    inAws: false,
    sessionNames: ['alice@northwind.example', 'bob@northwind.example'],
  }),
  config: actor({
    id: 'aws-config',
    principal: role(P, 'AWSServiceRoleForConfig', '/aws-service-role/config.amazonaws.com/', 'AROARJ5Q7M2BEXPWFJ4I'),
    ips: ['198.51.100.250'],
    userAgents: ['config.amazonaws.com'],
    tls: 'TLSv1.2',
    hostStyle: 'regional',
    inAws: true,
    invokedBy: 'config.amazonaws.com',
    sessionNames: ['AWSConfig-Describe'],
  }),
  cloudTrail: actor({
    id: 'cloudtrail-service',
    principal: { kind: 'service', service: 'cloudtrail.amazonaws.com' },
    ips: ['198.51.100.251'],
    userAgents: ['cloudtrail.amazonaws.com'],
    tls: 'TLSv1.2',
    hostStyle: 'regional',
    inAws: true,
    invokedBy: 'cloudtrail.amazonaws.com',
  }),
  logDelivery: actor({
    id: 'log-delivery-service',
    principal: { kind: 'service', service: 'delivery.logs.amazonaws.com' },
    ips: ['198.51.100.252'],
    userAgents: ['delivery.logs.amazonaws.com'],
    tls: 'TLSv1.2',
    hostStyle: 'regional',
    inAws: true,
    invokedBy: 'delivery.logs.amazonaws.com',
  }),
  lambda: actor({
    id: 'lambda-service',
    principal: { kind: 'service', service: 'lambda.amazonaws.com' },
    ips: ['198.51.100.253'],
    userAgents: ['lambda.amazonaws.com'],
    tls: 'TLSv1.2',
    hostStyle: 'regional',
    inAws: true,
    invokedBy: 'lambda.amazonaws.com',
  }),
  /** S3 itself, expiring objects under a lifecycle rule (access logs only). */
  lifecycle: actor({
    id: 's3-lifecycle',
    principal: { kind: 'service', service: 'AmazonS3' },
    ips: ['-'],
    userAgents: ['-'],
    tls: 'TLSv1.2',
    hostStyle: 'regional',
    inAws: true,
  }),
  websiteVisitor: actor({
    id: 'website-visitor',
    principal: { kind: 'anonymous' },
    ips: [],
    userAgents: BROWSERS,
    tls: 'TLSv1.3',
    hostStyle: 'global',
    inAws: false,
  }),
} as const;

/** People who sign in through SSO: the role they use, their session name and their networks. */
export interface Person {
  actor: Actor;
  session: string;
  ips: readonly string[];
}

export const PEOPLE = {
  alice: { actor: ACTORS.admin, session: 'alice@northwind.example', ips: ['203.0.113.10', '2001:db8:4a7:1::1a'] },
  bob: { actor: ACTORS.admin, session: 'bob@northwind.example', ips: ['203.0.113.11'] },
  carol: { actor: ACTORS.readOnly, session: 'carol@northwind.example', ips: ['203.0.113.24'] },
  dave: { actor: ACTORS.readOnly, session: 'dave@northwind.example', ips: ['203.0.113.25', '2001:db8:4a7:1::2f'] },
} as const satisfies Record<string, Person>;

/** Full IAM ARN as CloudTrail's sessionIssuer / userIdentity prints it (role path kept). */
export function iamArn(p: Principal): string {
  switch (p.kind) {
    case 'role':
      return `arn:aws:iam::${p.account.id}:role${p.path}${p.name}`;
    case 'user':
      return `arn:aws:iam::${p.account.id}:user/${p.name}`;
    case 'root':
      return `arn:aws:iam::${p.account.id}:root`;
    case 'service':
      return p.service;
    case 'anonymous':
      return 'anonymous';
  }
}

/**
 * The principal as trailhound normalises it (DESIGN.md): role ARN without path, user ARN,
 * root ARN, service name or `anonymous`. Labels name subjects in this form.
 */
export function canonicalPrincipal(p: Principal): string {
  return p.kind === 'role' ? `arn:aws:iam::${p.account.id}:role/${p.name}` : iamArn(p);
}

export function sessionArn(p: Principal & { kind: 'role' }, session: string): string {
  return `arn:aws:sts::${p.account.id}:assumed-role/${p.name}/${session}`;
}

export function principalAccount(p: Principal): Account | null {
  return p.kind === 'role' || p.kind === 'user' || p.kind === 'root' ? p.account : null;
}
