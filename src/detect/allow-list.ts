/**
 * Allow-lists from the config file: principals (exact or `*` glob), source networks (CIDR),
 * buckets and user-agent substrings that a detector must not report.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export interface AllowListConfig {
  principals?: string[];
  source_ips?: string[];
  buckets?: string[];
  user_agents?: string[];
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

export class AllowList {
  private readonly principals: RegExp[];
  private readonly buckets: RegExp[];
  private readonly userAgents: string[];
  private readonly networks = new BlockList();
  private readonly hasNetworks: boolean;

  constructor(cfg: AllowListConfig = {}) {
    this.principals = (cfg.principals ?? []).map(globToRegExp);
    this.buckets = (cfg.buckets ?? []).map(globToRegExp);
    this.userAgents = (cfg.user_agents ?? []).map((s) => s.toLowerCase());
    for (const cidr of cfg.source_ips ?? []) {
      const [addr, bits] = cidr.split('/');
      const type = isIPv6(addr) ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.networks.addAddress(addr, type);
      else this.networks.addSubnet(addr, Number(bits), type);
    }
    this.hasNetworks = (cfg.source_ips ?? []).length > 0;
  }

  static merge(a: AllowListConfig = {}, b: AllowListConfig = {}): AllowList {
    return new AllowList({
      principals: [...(a.principals ?? []), ...(b.principals ?? [])],
      source_ips: [...(a.source_ips ?? []), ...(b.source_ips ?? [])],
      buckets: [...(a.buckets ?? []), ...(b.buckets ?? [])],
      user_agents: [...(a.user_agents ?? []), ...(b.user_agents ?? [])],
    });
  }

  principal(p: string | null | undefined): boolean {
    return !!p && this.principals.some((r) => r.test(p));
  }

  bucket(b: string | null | undefined): boolean {
    return !!b && this.buckets.some((r) => r.test(b));
  }

  userAgent(ua: string | null | undefined): boolean {
    if (!ua) return false;
    const lower = ua.toLowerCase();
    return this.userAgents.some((s) => lower.includes(s));
  }

  sourceIp(ip: string | null | undefined): boolean {
    if (!ip || !this.hasNetworks) return false;
    if (isIPv4(ip)) return this.networks.check(ip, 'ipv4');
    if (isIPv6(ip)) return this.networks.check(ip, 'ipv6');
    return false;
  }

  /** Is anything about this subject allow-listed? */
  subject(s: { principal?: string; bucket?: string; source_ip?: string }): boolean {
    return this.principal(s.principal) || this.bucket(s.bucket) || this.sourceIp(s.source_ip);
  }
}
