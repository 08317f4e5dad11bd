/**
 * Which account owns a bucket, learnt from the logs: CloudTrail gives 12-digit account ids
 * (recipientAccountId), access logs give the owner's canonical user id. A canonical id seen on a
 * bucket whose account is also known stands for that account everywhere, so access-log-only
 * buckets of the same owner get a 12-digit account too.
 */
const ACCOUNT_ID = /^\d{12}$/;

export class BucketOwners {
  private readonly accounts = new Map<string, Set<string>>();
  private readonly other = new Map<string, Set<string>>();
  private readonly canonical = new Map<string, string>();
  /** Every 12-digit account seen owning a bucket. */
  readonly all = new Set<string>();

  /** @param pairs (bucket, owner) with owner a 12-digit account id or a canonical user id */
  constructor(pairs: Iterable<readonly [string, string]>) {
    for (const [bucket, owner] of pairs) {
      const m = ACCOUNT_ID.test(owner) ? this.accounts : this.other;
      let set = m.get(bucket);
      if (!set) m.set(bucket, (set = new Set()));
      set.add(owner);
      if (m === this.accounts) this.all.add(owner);
    }
    for (const [bucket, ids] of this.other) {
      const acct = this.accounts.get(bucket);
      if (!acct || acct.size !== 1) continue;
      const [a] = acct;
      for (const id of ids) {
        const prev = this.canonical.get(id);
        if (prev === undefined || a < prev) this.canonical.set(id, a);
      }
    }
  }

  /** The 12-digit accounts owning a bucket (possibly through its canonical owner); may be empty. */
  of(bucket: string): Set<string> {
    const direct = this.accounts.get(bucket);
    if (direct) return direct;
    const out = new Set<string>();
    for (const id of this.other.get(bucket) ?? []) {
      const a = this.canonical.get(id);
      if (a !== undefined) out.add(a);
    }
    return out;
  }

  /** An owner id (account or canonical) as an account where known. */
  account(owner: string): string {
    return this.canonical.get(owner) ?? owner;
  }

  /** One label for a bucket's owner: the smallest 12-digit account, else the smallest canonical id, else ''. */
  label(bucket: string): string {
    const a = [...this.of(bucket)].sort();
    if (a.length > 0) return a[0];
    return [...(this.other.get(bucket) ?? [])].sort()[0] ?? '';
  }

  /** The accounts a bucket's data belongs to: configured ones, else its owners, else every owner seen. */
  own(bucket: string, configured: readonly string[]): Set<string> {
    if (configured.length > 0) return new Set(configured);
    const a = this.of(bucket);
    return a.size > 0 ? a : this.all;
  }
}
