/**
 * Builds CloudTrail management events of services other than S3 (sign-in, STS, CloudTrail,
 * IAM, EC2, CloudFront). They never appear in access logs.
 */
import { onTime, type ApiCall, type Caller, type Session } from './api-call.js';
import { HOME_REGION, iamArn, principalAccount, sessionArn, type Principal } from './org.js';
import { ALNUM, type Random } from './random.js';

export interface ManagementCallInput {
  time: number;
  caller: Caller;
  eventSource: string;
  eventName: string;
  region?: string;
  endpoint?: string;
  readOnly?: boolean;
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown> | null;
  resources?: Record<string, string>[] | null;
  errorCode?: string;
  errorMessage?: string;
  eventType?: ApiCall['eventType'];
  /** Defaults to the caller's own account. */
  recipientAccountId?: string;
  /** ConsoleLogin and a few others carry no request id. */
  withRequestId?: boolean;
}

export function managementCall(rng: Random, input: ManagementCallInput): ApiCall {
  const region = input.region ?? HOME_REGION;
  const service = input.eventSource.replace('.amazonaws.com', '');
  const callerAccount = principalAccount(input.caller.actor.principal)?.id ?? '';
  const recipient = input.recipientAccountId ?? callerAccount;
  return {
    time: input.time,
    caller: input.caller,
    eventSource: input.eventSource,
    eventName: input.eventName,
    region,
    endpoint: input.endpoint ?? `${service}.${region}.amazonaws.com`,
    recipientAccountId: recipient,
    readOnly: input.readOnly ?? /^(Get|List|Describe|Lookup)/.test(input.eventName),
    eventType: input.eventType ?? 'AwsApiCall',
    eventCategory: 'Management',
    requestParameters: input.requestParameters ?? null,
    responseElements: input.responseElements ?? null,
    additionalEventData: input.additionalEventData ?? null,
    resources: input.resources ?? null,
    errorCode: input.errorCode ?? null,
    errorMessage: input.errorMessage ?? null,
    requestId: input.withRequestId === false ? null : rng.uuid(),
    eventId: rng.uuid(),
    sharedEventId: callerAccount !== '' && callerAccount !== recipient ? rng.uuid() : null,
    requesterEventId: null,
    s3: null,
    inCloudTrail: true,
    inAccessLog: false,
    delivery: onTime(),
  };
}

export function consoleLogin(rng: Random, time: number, caller: Caller, mfaUsed: boolean): ApiCall {
  return managementCall(rng, {
    time,
    caller,
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    endpoint: `${HOME_REGION}.signin.aws.amazon.com`,
    readOnly: false,
    eventType: 'AwsConsoleSignIn',
    responseElements: { ConsoleLogin: 'Success' },
    additionalEventData: {
      LoginTo: `https://${HOME_REGION}.console.aws.amazon.com/console/home?region=${HOME_REGION}&state=hashArgs%23&isauthcode=true`,
      MobileVersion: 'No',
      MFAUsed: mfaUsed ? 'Yes' : 'No',
    },
    withRequestId: false,
  });
}

/** A role assumed by an AWS service on a workload's behalf (recorded in the role's account). */
export function assumeRoleByService(
  rng: Random,
  time: number,
  caller: Caller,
  role: Principal & { kind: 'role' },
  session: Session,
): ApiCall {
  const roleArn = iamArn(role);
  return managementCall(rng, {
    time,
    caller,
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    endpoint: 'sts.amazonaws.com',
    readOnly: true,
    recipientAccountId: role.account.id,
    requestParameters: { roleArn, roleSessionName: session.name, durationSeconds: 3600 },
    responseElements: {
      credentials: {
        accessKeyId: session.accessKeyId,
        sessionToken: `IQoJb3JpZ2luX2VjE${rng.chars(64, ALNUM + '+/')}`,
        expiration: new Date(time + 3_600_000).toUTCString(),
      },
      assumedRoleUser: { assumedRoleId: `${role.roleId}:${session.name}`, arn: sessionArn(role, session.name) },
    },
    resources: [{ accountId: role.account.id, type: 'AWS::IAM::Role', ARN: roleArn }],
  });
}
