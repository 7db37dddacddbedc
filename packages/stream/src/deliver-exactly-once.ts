import { randomUUID } from 'node:crypto';
import { backoffDelay, sleep } from './backoff.ts';
import { classify } from './classify.ts';
import { Abandon } from './control.ts';
import type { ChunkTarget, Delivery, DeliveryResult } from './delivery.ts';
import { HopCrashedError } from './errors.ts';
import type { KafkaPort, ProducerPort, TopicMessages } from './kafka/port.ts';
import { type RetryScope, retrying } from './retrying.ts';
import { sendInParts } from './send-parts.ts';

/** Failed transactions in a row after which recreating the producer is not going to help. */
const MAX_FAILED_TRANSACTIONS = 10;

/**
 * How long a member's next transaction waits after the last one ended. The coordinator answers
 * EndTxn once it has logged the decision, then writes the commit (or abort) markers; a request
 * of the next transaction in between is answered CONCURRENT_TRANSACTIONS and retried after 20 ms
 * (TRANSACTION_RETRY in kafka/kafkajs.ts; the Java producer waits as long). Back to back, nearly
 * every transaction met it: a loop of one-record transactions ran 38 a second, against 124–153
 * with this pause between them, and a runtime hop paced at 300 messages/s went from e2e p50
 * 19–21 ms to 9–15 (`pnpm bench hop-latency`; bench/README.md, "back-to-back transactions"). On
 * a local broker the markers take about a millisecond; a slower one meets the retry as before.
 */
export const AFTER_TRANSACTION_PAUSE_MS = 2;

/** A chunk waiting for the member's next transaction. */
interface Pending {
  readonly messages: TopicMessages[];
  readonly target: ChunkTarget;
  readonly owned: () => boolean;
  settle(outcome: Outcome): void;
}

/**
 * What a transaction did for a chunk: committed; abandoned (the partition moved, nothing
 * durable); again (aborted cleanly for another chunk's sake: submit again); failed (the
 * transaction failed and was settled by reinitializing the producer: it may have committed);
 * or an error that crashes the hop.
 */
type Outcome = DeliveryResult | 'again' | 'failed' | { readonly crash: unknown };

/**
 * Read-process-write in Kafka transactions (exactly-once v2, KIP-447): one transactional
 * producer per hop member, and one transaction for every chunk the member's tasks hand over
 * in the same turn of the event loop or while the previous one is in flight — records and the
 * chunks' offsets (`sendOffsets`, with each task's stream time as metadata) commit together or
 * not at all. The chunks of one fetch's partitions so share a transaction (group commit); at
 * low load nothing waits for a timer.
 *
 * Fencing is the group's, not the transactional id's: a transaction's offsets carry the member's
 * generation and id (both ports), so a member the group has moved on from — a zombie, paused
 * past its session and resumed — has its offset commit refused and its transaction aborted. A
 * partition's new owner reads committed offsets only once no open transaction holds them
 * (stable-offsets.ts), so it starts after the previous owner's last transaction, committed or
 * aborted, and never from before it.
 * A process restarted in place under the same instance id (transactionalIdOf) aborts the
 * transaction its crashed predecessor left open as it starts, rather than waiting out its timeout.
 *
 * A failed transaction discards the producer (kafkajs #1282) and initializes the same id again,
 * which completes or aborts what the old one left, so the outcome is final; each chunk then asks
 * the group what it committed: at or past the chunk's end, the "failed" commit had gone through
 * (an ambiguous commit) and the chunk is done; otherwise it is retried.
 */
export class ExactlyOnceDelivery implements Delivery {
  private failedInARow = 0;
  /** performance.now() when the last transaction ended (its markers are being written then). */
  private endedAt = Number.NEGATIVE_INFINITY;
  private producer: ProducerPort | undefined;
  private queue: Pending[] = [];
  private flushing = false;
  private stopped = false;
  private readonly transactionalId: string;
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
    this.transactionalId = transactionalIdOf(group, scope.config.instanceId);
  }

  async start(): Promise<void> {
    await this.connect();
  }

  async deliver(messages: TopicMessages[], target: ChunkTarget): Promise<DeliveryResult> {
    const { topic, partition, nextOffset, generation } = target;
    const owned = () => this.owned(generation, topic, partition);
    for (let attempt = 0; ; ) {
      if (!owned()) return 'abandoned';
      const outcome = await new Promise<Outcome>((settle) => this.submit({ messages, target, owned, settle }));
      if (outcome === 'again') continue;
      if (outcome === 'committed' || outcome === 'abandoned' || outcome === 'written') return outcome;
      if (typeof outcome === 'object') throw new HopCrashedError(this.scope.hop, 'transaction', outcome.crash);
      if (await this.committedThrough(topic, partition, nextOffset)) return 'committed';
      const { retryInitialMs: initialMs, retryMaxMs: maxMs } = this.scope.config;
      await sleep(backoffDelay(attempt++, { initialMs, maxMs }), this.scope.signal);
      if (this.scope.signal.aborted) throw new Abandon('stopping while transactions fail');
    }
  }

  /** Group commit: one transaction in flight; what is submitted meanwhile goes in the next. */
  private submit(pending: Pending): void {
    this.queue.push(pending);
    if (!this.flushing) void this.drain();
  }

  private async drain(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      // The partitions of one fetch are handled concurrently, each up to its deliver: one turn of
      // the event loop lets those already under way join this transaction, rather than the first
      // going alone and the rest waiting a whole transaction for the next (no timer is set) —
      // unless the last transaction ended just now: then until its markers are written, and
      // what is handed over meanwhile joins too.
      const markers = this.endedAt + AFTER_TRANSACTION_PAUSE_MS - performance.now();
      await new Promise((resolve) => (markers > 0 ? setTimeout(resolve, markers) : setImmediate(resolve)));
      const chunks = this.queue.splice(0);
      // A chunk already settled keeps its outcome (a promise settles once).
      await this.transact(chunks).catch((error: unknown) => {
        for (const c of chunks) c.settle(error instanceof Abandon ? 'abandoned' : { crash: error });
      });
    }
    this.flushing = false;
  }

  /** One transaction for every chunk still owned; settles each chunk. */
  private async transact(chunks: Pending[]): Promise<void> {
    // Past the drain nothing new starts (and no producer is made again after stop() closed it).
    const live = this.stopped ? [] : chunks.filter((c) => c.owned());
    for (const c of chunks) if (!live.includes(c)) c.settle('abandoned');
    if (live.length === 0) return;
    if (!this.producer) await this.connect();
    const producer = this.producer as ProducerPort;
    let txn: Awaited<ReturnType<ProducerPort['transaction']>> | undefined;
    try {
      txn = await producer.transaction();
      const messages = live.flatMap((c) => c.messages);
      if (messages.length > 0) await sendInParts((b) => txn!.send(b), messages, this.limitOf);
      // A partition revoked while its records were sent: abort, and send the others again.
      const lost = live.filter((c) => !c.owned());
      if (lost.length > 0) {
        await txn.abort();
        this.endedAt = performance.now();
        for (const c of live) c.settle(lost.includes(c) ? 'abandoned' : 'again');
        return;
      }
      const offsets = live.map(({ target: t }) => ({
        topic: t.topic,
        partition: t.partition,
        offset: t.nextOffset,
        metadata: t.metadata ?? null,
      }));
      await txn.sendOffsets(this.group, offsets);
      await txn.commit();
      this.endedAt = performance.now();
      this.failedInARow = 0;
      for (const c of live) c.settle('committed');
    } catch (error) {
      await txn?.abort().catch(() => {});
      await this.discard();
      const verdict = classify(error, 'transaction');
      // The group refused the offsets: this member left the generation, its partitions moved.
      if (verdict.action === 'abandon') {
        this.scope.log('info', 'transaction dropped: the partitions moved', { reason: verdict.reason });
        for (const c of live) c.settle('abandoned');
        return;
      }
      // Fenced: the coordinator aborted a transaction that outlived its timeout (the id is this
      // process's alone, or its instance's, which no other live process shares); a new
      // initialization of the id goes on from there.
      const retriable = verdict.action === 'retry' || verdict.code === 'PRODUCER_FENCED';
      if (!retriable || ++this.failedInARow >= MAX_FAILED_TRANSACTIONS) {
        for (const c of live) c.settle({ crash: error });
        return;
      }
      if (this.scope.signal.aborted) {
        for (const c of live) c.settle('abandoned');
        return;
      }
      this.scope.log('warn', 'transaction failed; recreating the producer', {
        error: verdict.reason,
        // A stable id fenced while its process lives: another process initialized it too.
        ...(verdict.code === 'PRODUCER_FENCED' &&
          this.scope.config.instanceId !== undefined && {
            hint: `fenced: is another live process of this service running with ADTRACE_INSTANCE_ID=${this.scope.config.instanceId}? It must be unique`,
          }),
      });
      // Initializing the id again settles the failed transaction before anyone reads offsets.
      await this.connect();
      for (const c of live) c.settle('failed');
    }
  }

  /** Initializes the member's transactional id: completes or aborts what an earlier producer of it left. */
  private async connect(): Promise<void> {
    const producer = this.port.producer({ transactionalId: this.transactionalId });
    await retrying(this.scope, 'startup', () => producer.connect());
    this.producer = producer;
  }

  private async discard(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => {});
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

  async stop(): Promise<void> {
    this.stopped = true;
    await this.discard();
  }
}

/**
 * A hop member's transactional id, prefixed by the group so an operator can tell whose
 * transactions the broker holds. With an instance id (ADTRACE_INSTANCE_ID, a pod's name) it is
 * the same across the process's restarts in place, so the restarted process's initialization
 * aborts the transaction its crashed predecessor left open, at once (Kafka Streams keeps a
 * process id in its state directory for the same reason); otherwise it is the process's own, and
 * such a transaction holds its partitions' last stable offset back until the coordinator times it
 * out (TRANSACTION_TIMEOUT_MS). Zombies are fenced by the group generation either way.
 */
export function transactionalIdOf(group: string, instanceId?: string): string {
  return `${group}-${instanceId ?? randomUUID()}`;
}
