/**
 * AWS service principals and internal traffic are a known noise source: they are baselined
 * apart from people and workloads and never raise a high-severity finding by default.
 */
const SERVICE_NAMES = new Set(['AmazonS3', 'AWS Internal']);

export interface PrincipalFacts {
  principal: string | null;
  principalType: string | null;
  invokedBy: string | null;
  sourceIp: string | null;
}

export function isServicePrincipal(f: PrincipalFacts): boolean {
  if (f.invokedBy) return true;
  if (f.principalType === 'AWSService') return true;
  const p = f.principal ?? '';
  if (SERVICE_NAMES.has(p) || p.endsWith('.amazonaws.com') || p.endsWith('.amazonaws.com.cn')) return true;
  const ip = f.sourceIp ?? '';
  return ip.startsWith('AWS Internal') || ip.endsWith('.amazonaws.com');
}
