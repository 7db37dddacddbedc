/**
 * Loads that ran in one transaction (DuckDB's group commit, `LoadResult.group`) end together,
 * and the CPU ledger (cpu-phase.ts) gives the first of them to end all of the group's CPU and
 * the others none: right in sum, wrong per table — and a table's loads are the cost of storing
 * its stage's output (`adtrace cost`). Each member reports what its phase claimed; once all of
 * a group's settled loads have (they settle in the same turn of the event loop), the claims are
 * pooled and split by each load's share of the group's bytes.
 */
interface Pool {
  claimed: number;
  readonly members: { readonly share: number; readonly resolve: (cpuMicros: number) => void }[];
}

const pools = new Map<number, Pool>();

/** This load's fair part of its group's CPU, given what its own phase claimed. */
export function groupCpuMicros(
  group: { readonly id: number; readonly share: number },
  claimed: number,
): Promise<number> {
  return new Promise((resolve) => {
    let pool = pools.get(group.id);
    if (!pool) {
      const created: Pool = { claimed: 0, members: [] };
      pool = created;
      pools.set(group.id, created);
      // A member that never reports (a load stored untraced) must not hold the others: split
      // among those that did, after this turn, by their shares.
      setImmediate(() => {
        pools.delete(group.id);
        const shares = created.members.reduce((n, m) => n + m.share, 0);
        for (const m of created.members) {
          m.resolve(shares > 0 ? (created.claimed * m.share) / shares : created.claimed / created.members.length);
        }
      });
    }
    pool.claimed += claimed;
    pool.members.push({ share: group.share, resolve });
  });
}
