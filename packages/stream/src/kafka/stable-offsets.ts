import { backoffDelay, sleep } from '../backoff.ts';

/** Longer than any transaction the runtime opens lives before the coordinator aborts it. */
const GIVE_UP_MS = 5 * 60_000;

/**
 * Reads a group's committed offsets as they stand once every transaction that committed offsets
 * to them has completed (OffsetFetch's require_stable, KIP-447): while one is open the broker
 * answers UNSTABLE_OFFSET_COMMIT, and the read is retried. A member that takes a partition over
 * so starts after the previous owner's last transaction — committed, or aborted by its
 * coordinator when it times out — never from the offsets before it.
 */
export async function untilStable<T>(read: () => Promise<T>): Promise<T> {
  const giveUpAt = performance.now() + GIVE_UP_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (!isUnstable(error) || performance.now() > giveUpAt) throw error;
      await sleep(backoffDelay(attempt, { initialMs: 20, maxMs: 500 }));
    }
  }
}

function isUnstable(error: unknown): boolean {
  for (let e = error as { type?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 6; depth++) {
    if (e.type === 'UNSTABLE_OFFSET_COMMIT') return true;
    e = e.cause as typeof e;
  }
  return false;
}
