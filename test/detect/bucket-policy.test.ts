import { describe, expect, it } from 'vitest';
import {
  hasSecureTransportDeny,
  isMatchingOperator,
  isWildcardPrincipal,
  policyStatements,
  publicGrants,
  restrictingKeys,
  type Json,
} from '../../src/detect/bucket-policy.js';

const allow = (extra: Record<string, Json>): Record<string, Json> => ({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', ...extra });
const policy = (...Statement: Json[]): Json => ({ Version: '2012-10-17', Statement });
const isPublic = (cond: Json): boolean => publicGrants(policy(allow({ Principal: '*', Condition: cond }))).length > 0;

describe('policyStatements', () => {
  it('reads objects, JSON text, a single statement object and rejects the rest', () => {
    expect(policyStatements(policy(allow({ Principal: '*' })))).toHaveLength(1);
    expect(policyStatements(JSON.stringify(policy(allow({ Principal: '*' }), allow({ Principal: '*' }))))).toHaveLength(2);
    expect(policyStatements({ Statement: allow({ Principal: '*' }) })).toHaveLength(1);
    expect(policyStatements({ statement: [allow({ Principal: '*' })] })).toHaveLength(1);
    expect(policyStatements('invalid-json-policy')).toBeNull();
    expect(policyStatements('{"Statement": [')).toBeNull();
    expect(policyStatements({})).toBeNull();
    expect(policyStatements(null)).toBeNull();
  });
});

describe('principals', () => {
  it('recognises every wildcard spelling', () => {
    expect(isWildcardPrincipal('*')).toBe(true);
    expect(isWildcardPrincipal({ AWS: '*' })).toBe(true);
    expect(isWildcardPrincipal({ AWS: ['arn:aws:iam::111122223333:root', '*'] })).toBe(true);
    expect(isWildcardPrincipal({ CanonicalUser: '*' })).toBe(true);
    expect(isWildcardPrincipal({ AWS: 'arn:aws:iam::111122223333:root' })).toBe(false);
    expect(isWildcardPrincipal({ Service: 'cloudtrail.amazonaws.com' })).toBe(false);
    expect(isWildcardPrincipal(undefined)).toBe(false);
  });

  it('a specific account, role or service principal is not public', () => {
    expect(publicGrants(policy(allow({ Principal: { AWS: 'arn:aws:iam::193672423079:root' } })))).toEqual([]);
    expect(publicGrants(policy(allow({ Principal: { Service: 'cloudtrail.amazonaws.com' } })))).toEqual([]);
  });

  it('Allow with NotPrincipal grants everyone else', () => {
    const g = publicGrants(policy(allow({ NotPrincipal: { AWS: 'arn:aws:iam::111122223333:role/x' } })));
    expect(g).toEqual([{ index: 0, sid: null, actions: ['s3:GetObject'], via: 'not-principal' }]);
  });

  it('Deny statements never grant', () => {
    expect(publicGrants(policy({ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' }))).toEqual([]);
  });
});

describe('actions', () => {
  it('reports actions as string, array or NotAction', () => {
    expect(publicGrants(policy(allow({ Principal: '*', Action: ['s3:GetObject', 's3:ListBucket'], Sid: 'Pub' })))[0]).toMatchObject({ sid: 'Pub', actions: ['s3:GetObject', 's3:ListBucket'] });
    const na = { Effect: 'Allow', Principal: { AWS: '*' }, NotAction: 's3:DeleteObject', Resource: '*' };
    expect(publicGrants(policy(na))[0].actions).toEqual(['all except s3:DeleteObject']);
  });

  it('only the public statements of a mixed policy are reported, with their positions', () => {
    const g = publicGrants(policy(allow({ Principal: { AWS: 'arn:aws:iam::111122223333:root' } }), allow({ Principal: '*', Sid: 'Open' })));
    expect(g.map((x) => [x.index, x.sid])).toEqual([[1, 'Open']]);
  });
});

describe('conditions', () => {
  it('a fixed value on a restricting key restricts, in every matching operator family', () => {
    expect(isPublic({ StringEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } })).toBe(false);
    expect(isPublic({ StringEquals: { 'aws:SourceVpc': 'vpc-111bbb22' } })).toBe(false);
    expect(isPublic({ StringEquals: { 'aws:PrincipalOrgID': 'o-test123456' } })).toBe(false);
    expect(isPublic({ 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': ['o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*'] } })).toBe(false);
    expect(isPublic({ StringEquals: { 'aws:SourceAccount': '111122223333' } })).toBe(false);
    expect(isPublic({ StringEquals: { 'aws:PrincipalAccount': ['111122223333', '444455556666'] } })).toBe(false);
    expect(isPublic({ StringEqualsIgnoreCase: { 'aws:SourceOwner': '111122223333' } })).toBe(false);
    expect(isPublic({ ArnEquals: { 'aws:SourceArn': 'arn:aws:cloudtrail:us-east-1:111122223333:trail/main' } })).toBe(false);
    expect(isPublic({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/app-*' } })).toBe(false);
    expect(isPublic({ ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::log-bucket/*' } })).toBe(false);
    expect(isPublic({ StringLike: { 'aws:userId': 'AROAEXAMPLEID:*' } })).toBe(false);
    expect(isPublic({ IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/48'] } })).toBe(false);
    expect(isPublic({ IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } })).toBe(false);
    expect(isPublic({ StringEquals: { 's3:DataAccessPointAccount': '111122223333' } })).toBe(false);
  });

  it('condition keys and operators are case-insensitive', () => {
    expect(isPublic({ stringequals: { 'AWS:SOURCEVPCE': 'vpce-1a2b3c4d' } })).toBe(false);
    expect(isPublic({ StringEquals: { 'aws:sourcevpce': 'vpce-1a2b3c4d' } })).toBe(false);
    expect(restrictingKeys({ StringEquals: { 'Aws:PrincipalOrgId': 'o-abc' } })).toEqual(['aws:principalorgid']);
  });

  it('wildcards, variables and broad ranges do not restrict', () => {
    expect(isPublic({ StringLike: { 'aws:SourceVpc': 'vpc-*' } })).toBe(true);
    expect(isPublic({ StringEquals: { 'aws:SourceVpce': '*' } })).toBe(true);
    expect(isPublic({ StringLike: { 'aws:PrincipalOrgID': 'o-*' } })).toBe(true);
    expect(isPublic({ StringLike: { 'aws:PrincipalOrgPaths': 'o-*/*' } })).toBe(true);
    expect(isPublic({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/admin' } })).toBe(true);
    expect(isPublic({ ArnLike: { 'aws:SourceArn': '*' } })).toBe(true);
    expect(isPublic({ StringLike: { 'aws:userId': '*:alice' } })).toBe(true);
    expect(isPublic({ StringEquals: { 'aws:SourceAccount': '${aws:PrincipalAccount}' } })).toBe(true);
    expect(isPublic({ IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } })).toBe(true);
    expect(isPublic({ IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '0.0.0.0/1'] } })).toBe(true);
    expect(isPublic({ IpAddress: { 'aws:SourceIp': '::/0' } })).toBe(true);
  });

  it('IfExists and ForAllValues pass when the key is missing, so they do not restrict', () => {
    expect(isPublic({ StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } })).toBe(true);
    expect(isPublic({ ArnLikeIfExists: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/x' } })).toBe(true);
    expect(isPublic({ IpAddressIfExists: { 'aws:SourceIp': '203.0.113.0/24' } })).toBe(true);
    expect(isPublic({ 'ForAllValues:StringEquals': { 'aws:PrincipalOrgPaths': 'o-abc/r-ab12/*' } })).toBe(true);
    expect(isMatchingOperator('ForAnyValue:StringLike')).toBe(true);
    expect(isMatchingOperator('StringLikeIfExists')).toBe(false);
  });

  it('negated operators, Null, Bool and non-restricting keys do not restrict', () => {
    expect(isPublic({ StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } })).toBe(true);
    expect(isPublic({ NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } })).toBe(true);
    expect(isPublic({ Null: { 'aws:SourceVpce': 'false' } })).toBe(true);
    expect(isPublic({ Bool: { 'aws:SecureTransport': 'true' } })).toBe(true);
    expect(isPublic({ StringLike: { 'aws:Referer': 'https://example.com/*' } })).toBe(true);
    expect(isPublic({ StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } })).toBe(true);
    expect(isPublic({ StringEquals: { 'aws:SourceIp': '203.0.113.7' } })).toBe(true);
  });

  it('one restricting entry among several conditions is enough (conditions are ANDed)', () => {
    // The panther test shape: an org id pins it even though the VPC pattern is a wildcard.
    expect(
      isPublic({
        StringEquals: { 'aws:PrincipalOrgID': 'o-test123456' },
        StringLike: { 'aws:SourceVpc': 'vpc-*' },
        IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '172.16.0.0/12'] },
      }),
    ).toBe(false);
    expect(isPublic({ StringLike: { 'aws:SourceVpc': 'vpc-*' }, Bool: { 'aws:SecureTransport': 'true' } })).toBe(true);
  });

  it('every value of a key must be fixed (values are ORed)', () => {
    expect(isPublic({ StringLike: { 'aws:SourceVpce': ['vpce-1a2b3c4d', 'vpce-*'] } })).toBe(true);
  });
});

describe('aws:SecureTransport deny', () => {
  const tlsDeny = {
    Sid: 'TLSOnly',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };

  it('finds the canonical guard and its variants', () => {
    expect(hasSecureTransportDeny(policy(tlsDeny))).toBe(true);
    expect(hasSecureTransportDeny(policy({ ...tlsDeny, Condition: { BoolIfExists: { 'aws:SecureTransport': false } } }))).toBe(true);
    expect(hasSecureTransportDeny(policy({ ...tlsDeny, Condition: { bool: { 'AWS:SecureTransport': ['False'] } } }))).toBe(true);
    expect(hasSecureTransportDeny(JSON.stringify(policy(allow({ Principal: '*' }), tlsDeny)))).toBe(true);
  });

  it('is absent from an Allow, a true-valued or a missing guard', () => {
    expect(hasSecureTransportDeny(policy({ ...tlsDeny, Effect: 'Allow' }))).toBe(false);
    expect(hasSecureTransportDeny(policy({ ...tlsDeny, Condition: { Bool: { 'aws:SecureTransport': 'true' } } }))).toBe(false);
    expect(hasSecureTransportDeny(policy(allow({ Principal: { AWS: 'arn:aws:iam::111122223333:root' } })))).toBe(false);
    expect(hasSecureTransportDeny('nope')).toBeNull();
  });
});
