import { backoffDelay, sleep } from './backoff.ts';
import { classify } from './classify.ts';
import { Abandon } from './control.ts';
import type { ChunkTarget, Delivery, DeliveryResult } from './delivery.ts';
import { HopCrashedError } from './errors.ts';
import type { KafkaPort, ProducerPort, TopicMessages, TransactionPort } from './kafka/port.ts';
import { type RetryScope, retrying } from './retrying.ts';
import { sendInParts } from './send-parts.ts';
import { type Task, transactionalIdOf } from './task.ts';

/** Failed transactions in a row after which recreating the producer is not going to help. */
const MAX_FAILED_TRANSACTIONS = 10;

/**
 * Read-process-write in one Kafka transaction per chunk: records and the chunk's offsets
 * (`sendOffsets`, with the task's stream time as metadata) commit together or not at all.
 *
 * One transactional producer per task, with the id `<group>-<partition>` (the scheme Kafka
 * Streams used before EOS v2): kafkajs's TxnOffsetCommit carries no group generation (no
 * KIP-447), so the broker cannot tell a zombie's commit from the owner's by the group — but it
 * can by the transactional id. When a partition moves, its new owner initializes the task's id
 * (tasks.ts), which bumps the epoch: the old owner, paused past its session and resumed, gets
 * PRODUCER_FENCED on its next transactional call and its chunk is dropped, never committed.
 *
 * A failed transaction discards the producer (kafkajs #1282), initializes a new one — which
 * completes or aborts what the old one left, so the outcome is final — and then asks the group
 * what it committed: at or past the chunk's end, the "failed" commit had gone through (an
 * ambiguous commit) and the chunk is done; otherwise it is retried.
 */
export class ExactlyOnceDelivery implements Delivery {
  private failedInARow = 0;
  private readonly port: KafkaPort;
  private readonly group: string;
  private readonly owned: (generation: number, topic: string, partition: number) => boolean;
  private readonly limitOf: (topic: string) => number;
  private readonly scope: RetryScope;

  constructor(
    port: KafkaPort,
    group: string,
    owned: (generation: number, topic: string, partition: number) => boolean,
    limitOf: (topic: string) => number,
    scope: RetryScope,
  ) {
    this.port = port;
    this.group = group;
    this.owned = owned;
    this.limitOf = limitOf;
    this.scope = scope;
  }

  async start(): Promise<void> {}

  /** Initializes the task's transactional id: fences every older producer of it. */
  async open(task: Task): Promise<void> {
    await this.close(task);
    const producer = this.port.producer({ transactionalId: transactionalIdOf(this.group, task.partition) });
    await retrying(this.scope, 'startup', () => producer.connect());
    task.producer = producer;
  }

  async close(task: Task): Promise<void> {
    const producer = task.producer;
    task.producer = undefined;
    await producer?.disconnect().catch(() => {});
  }

  async deliver(task: Task, messages: TopicMessages[], target: ChunkTarget): Promise<DeliveryResult> {
    const { topic, partition, nextOffset, generation, metadata } = target;
    const owned = () => this.owned(generation, topic, partition);
    for (let attempt = 0; ; attempt++) {
      if (!owned() || task.fencedIn === generation) return 'abandoned';
      if (!task.producer && !(await this.reopen(task, target))) return 'abandoned';
      const producer = task.producer as ProducerPort;
      let txn: TransactionPort | undefined;
      try {
        txn = await producer.transaction();
        if (messages.length > 0) await sendInParts((b) => txn!.send(b), messages, this.limitOf);
        if (!owned()) {
          await txn.abort();
          return 'abandoned';
        }
        await txn.sendOffsets(this.group, [{ topic, partition, offset: nextOffset, metadata: metadata ?? null }]);
        await txn.commit();
        this.failedInARow = 0;
        return 'committed';
      } catch (error) {
        await txn?.abort().catch(() => {});
        await this.close(task);
        const verdict = classify(error, 'transaction');
        // Fenced: another member initialized this task's id, so it owns the partition now.
        if (verdict.action === 'abandon' || verdict.code === 'PRODUCER_FENCED') {
          if (verdict.code === 'PRODUCER_FENCED') task.fencedIn = generation;
          this.scope.log('info', 'transaction dropped: the partition moved', { partition, reason: verdict.reason });
          return 'abandoned';
        }
        if (verdict.action !== 'retry' || ++this.failedInARow >= MAX_FAILED_TRANSACTIONS) {
          throw new HopCrashedError(this.scope.hop, 'transaction', error);
        }
        if (this.scope.signal.aborted) throw new Abandon(`stopping while transactions fail: ${verdict.reason}`);
        this.scope.log('warn', 'transaction failed; recreating the producer', {
          attempt: attempt + 1,
          error: verdict.reason,
        });
        if (!(await this.reopen(task, target))) return 'abandoned';
        if (await this.committedThrough(topic, partition, nextOffset)) return 'committed';
        const { retryInitialMs: initialMs, retryMaxMs: maxMs } = this.scope.config;
        await sleep(backoffDelay(attempt, { initialMs, maxMs }), this.scope.signal);
      }
    }
  }

  /**
   * Initializing the task's id fences whoever else holds it, so only the partition's owner may do
   * it: a member paused past its session and resumed (a zombie) still believes it owns the
   * partition, and reinitializing would fence the real owner and commit the chunk twice. So the
   * producer is recreated mid-generation only after the group coordinator confirms this member
   * owns the partition in a stable generation (a live member cannot lose a partition without
   * rejoining first); otherwise the chunk is dropped, and the next assignment opens the task.
   */
  private async reopen(task: Task, target: ChunkTarget): Promise<boolean> {
    const owned = await target.stillOwned?.().catch(() => false);
    if (!owned) return false;
    await this.open(task);
    return true;
  }

  /** After a failure and a fresh producer (which settled the old transaction): did it commit this chunk? */
  private async committedThrough(topic: string, partition: number, nextOffset: string): Promise<boolean> {
    const committed = await retrying(this.scope, 'commit', () =>
      this.port.admin((admin) => admin.committed(this.group, topic)),
    );
    const offset = committed.get(partition)?.offset;
    const done = offset !== undefined && BigInt(offset) >= BigInt(nextOffset);
    if (done) this.scope.log('info', 'the failed commit had gone through; the chunk is done', { partition, offset });
    return done;
  }

  async stop(): Promise<void> {}
}
