import { describe, expect, it } from 'vitest';
import {
  bypassesGovernance,
  loggingDisabled,
  objectLockDefault,
  publicAccessBlockOff,
  publicAclGrants,
  selectorEffect,
  trailName,
  trailUpdates,
  versioning,
  wholeBucketExpirations,
} from '../../src/detect/config-requests.js';

describe('CloudTrail request readers', () => {
  it('public access block: false, "false" and omitted flags are off; no configuration is unknown', () => {
    expect(publicAccessBlockOff({ PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: 'true', BlockPublicPolicy: 'false' } })).toEqual(['BlockPublicPolicy', 'RestrictPublicBuckets']);
    expect(publicAccessBlockOff({ publicaccessblockconfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } })).toEqual([]);
    expect(publicAccessBlockOff({ bucketName: 'b' })).toBeNull();
    expect(publicAccessBlockOff(null)).toBeNull();
  });

  it('ACL grants: a single Grant object, a Grant list, canned ACL strings or arrays, grant headers', () => {
    const group = (uri: string, Permission: string) => ({ Grantee: { 'xsi:type': 'Group', URI: uri }, Permission });
    expect(publicAclGrants({ AccessControlPolicy: { AccessControlList: { Grant: group('http://acs.amazonaws.com/groups/global/AllUsers', 'READ') } } })).toEqual(['AllUsers:READ']);
    expect(publicAclGrants({ AccessControlPolicy: { AccessControlList: { Grant: [group('http://acs.amazonaws.com/groups/s3/LogDelivery', 'WRITE'), group('http://acs.amazonaws.com/groups/global/AuthenticatedUsers', 'FULL_CONTROL')] } } })).toEqual([
      'AuthenticatedUsers:FULL_CONTROL',
    ]);
    expect(publicAclGrants({ 'x-amz-acl': 'authenticated-read' })).toEqual(['x-amz-acl:authenticated-read']);
    expect(publicAclGrants({ 'x-amz-acl': ['Public-Read'] })).toEqual(['x-amz-acl:public-read']);
    expect(publicAclGrants({ 'x-amz-grant-full-control': 'id="abc", uri="http://acs.amazonaws.com/groups/global/AllUsers"' })).toEqual(['AllUsers:x-amz-grant-full-control']);
    expect(publicAclGrants({ 'x-amz-acl': ['private'], acl: [''] })).toEqual([]);
    expect(publicAclGrants({ 'x-amz-acl': 'log-delivery-write' })).toEqual([]);
  });

  it('logging status', () => {
    expect(loggingDisabled({ BucketLoggingStatus: { xmlns: 'x' } })).toBe(true);
    expect(loggingDisabled({ BucketLoggingStatus: '' })).toBe(true);
    expect(loggingDisabled({ BucketLoggingStatus: { LoggingEnabled: { TargetBucket: 'l' } } })).toBe(false);
    expect(loggingDisabled({ bucketName: 'b' })).toBeNull();
  });

  it('versioning and Object Lock', () => {
    expect(versioning({ VersioningConfiguration: { Status: 'Suspended', MfaDelete: 'Disabled' } })).toEqual({ status: 'Suspended', mfaDelete: 'Disabled' });
    expect(versioning({})).toEqual({ status: null, mfaDelete: null });
    expect(objectLockDefault({ ObjectLockConfiguration: { Rule: { DefaultRetention: { Mode: 'compliance', Years: 1 } } } })).toBe('COMPLIANCE:365');
    expect(objectLockDefault({ ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' } })).toBe('none');
    expect(objectLockDefault({})).toBeNull();
  });

  it('governance bypass in header and parameter spellings', () => {
    expect(bypassesGovernance({ 'x-amz-bypass-governance-retention': 'true' })).toBe(true);
    expect(bypassesGovernance({ 'X-Amz-Bypass-Governance-Retention': ['True'] })).toBe(true);
    expect(bypassesGovernance({ bypassGovernanceRetention: true })).toBe(true);
    expect(bypassesGovernance({ bypassGovernanceRetention: false })).toBe(false);
    expect(bypassesGovernance({ key: 'bypass.txt' })).toBe(false);
  });

  it('whole-bucket expirations: no filter, empty prefix, "*" prefix; not prefixes, tags or disabled rules', () => {
    const t = Date.parse('2026-03-10T00:00:00Z');
    const rules = (Rule: unknown) => wholeBucketExpirations({ LifecycleConfiguration: { Rule } } as never, t);
    expect(rules({ ID: 'a', Status: 'Enabled', Expiration: { Days: 3 } })).toEqual([{ id: 'a', days: 3, date: null }]);
    expect(rules({ ID: 'a', Status: 'Enabled', Prefix: '', Expiration: { Days: '3' } })).toEqual([{ id: 'a', days: 3, date: null }]);
    expect(rules({ ID: 'a', Status: 'Enabled', Filter: { Prefix: '*' }, Expiration: { Days: 1 } })).toHaveLength(1);
    expect(rules({ ID: 'a', Status: 'Enabled', Filter: {}, Expiration: { Date: '2026-03-12T00:00:00Z' } })).toEqual([{ id: 'a', days: 2, date: '2026-03-12T00:00:00Z' }]);
    expect(rules({ ID: 'a', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 1 } })).toEqual([]);
    expect(rules({ ID: 'a', Status: 'Enabled', Filter: { Tag: { Key: 'tmp', Value: '1' } }, Expiration: { Days: 1 } })).toEqual([]);
    expect(rules({ ID: 'a', Status: 'Disabled', Expiration: { Days: 1 } })).toEqual([]);
    expect(rules({ ID: 'a', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 1 } })).toEqual([]);
  });

  it('event selectors, basic and advanced', () => {
    expect(selectorEffect({ eventSelectors: [{ readWriteType: 'All', includeManagementEvents: true, dataResources: [{ type: 'AWS::S3::Object', values: [] }] }] })).toEqual({ management: true, s3Data: 'all' });
    expect(selectorEffect({ eventSelectors: [{ readWriteType: 'WriteOnly', includeManagementEvents: true, dataResources: [{ type: 'AWS::S3::Object', values: [] }] }] })).toEqual({ management: false, s3Data: 'narrowed' });
    expect(selectorEffect({ eventSelectors: [{ readWriteType: 'All', includeManagementEvents: 'false', dataResources: [] }] })).toEqual({ management: false, s3Data: 'none' });
    const adv = (...sel: unknown[]) => selectorEffect({ trailName: 't', advancedEventSelectors: sel } as never);
    const fs = (field: string, equals: string[]) => ({ field, equals });
    expect(adv({ fieldSelectors: [fs('eventCategory', ['Management'])] }, { fieldSelectors: [fs('eventCategory', ['Data']), fs('resources.type', ['AWS::S3::Object'])] })).toEqual({ management: true, s3Data: 'all' });
    expect(adv({ fieldSelectors: [fs('eventCategory', ['Management'])] }, { fieldSelectors: [fs('eventCategory', ['Data']), fs('resources.type', ['AWS::S3::Object']), fs('readOnly', ['true'])] })).toEqual({ management: true, s3Data: 'narrowed' });
    expect(adv({ fieldSelectors: [fs('eventCategory', ['Data']), fs('resources.type', ['AWS::DynamoDB::Table'])] })).toEqual({ management: false, s3Data: 'none' });
    expect(selectorEffect({ trailName: 't' })).toBeNull();
  });

  it('trail names and UpdateTrail settings', () => {
    expect(trailName({ name: 'arn:aws:cloudtrail:us-west-2:123456789012:trail/example-trail' })).toBe('example-trail');
    expect(trailName({ trailName: 'main' })).toBe('main');
    expect(trailName(null)).toBeNull();
    expect(trailUpdates({ name: 't', isMultiRegionTrail: false, enableLogFileValidation: true, s3BucketName: 'elsewhere' })).toEqual(['isMultiRegionTrail=false', 's3BucketName=elsewhere']);
  });
});
