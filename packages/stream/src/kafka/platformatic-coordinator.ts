import { type Admin, type Base, kGetApi, kGetConnection } from '@platformatic/kafka';
import { portCall } from './platformatic-errors.ts';

type Callback<T> = (error: Error | null, value?: T) => void;
type LooseApi = (connection: unknown, ...args: unknown[]) => void;
type LooseClient = {
  [kGetApi](name: string, callback: Callback<LooseApi>): void;
  [kGetConnection](broker: unknown, callback: Callback<unknown>): void;
};

/**
 * One request to a group coordinator, through the client's own connection pool and API
 * versions. The client's high-level calls do not fit two of the runtime's needs: its
 * `Consumer.commit` rejoins and recommits in the new generation on ILLEGAL_GENERATION (a commit
 * for partitions maybe no longer ours), and neither it nor `Transaction.addOffset` carries
 * offset metadata (the runtime commits a task's stream time there).
 */
export async function callCoordinator<R>(
  client: Base<never>,
  coordinatorId: number,
  api: string,
  args: readonly unknown[],
): Promise<R> {
  return portCall(async () => {
    const metadata = await client.metadata({ topics: [] });
    const broker = metadata.brokers.get(coordinatorId);
    if (!broker) throw new Error(`group coordinator ${coordinatorId} is not in the cluster metadata`);
    const loose = client as unknown as LooseClient;
    const connection = await new Promise<unknown>((resolve, reject) =>
      loose[kGetConnection](broker, (e, c) => (e ? reject(e) : resolve(c))),
    );
    const call = await new Promise<LooseApi>((resolve, reject) =>
      loose[kGetApi](api, (e, a) => (e ? reject(e) : resolve(a!))),
    );
    return new Promise<R>((resolve, reject) =>
      call(connection, ...args, (e: Error | null, r: R) => (e ? reject(e) : resolve(r))),
    );
  });
}

/** The group's coordinator node, asked of the cluster (FindCoordinator, key type GROUP). */
export async function groupCoordinator(admin: Admin, group: string): Promise<number> {
  const [found] = await portCall(() => admin.findCoordinator({ keyType: 0, keys: [group] }));
  if (!found) throw new Error(`no coordinator for group ${group}`);
  return found.nodeId;
}
