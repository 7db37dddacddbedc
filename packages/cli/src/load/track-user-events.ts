// The trackers of the load: follow adtrace.impressions (from its end as of the start, so every
// impression of this load's requests is seen), hand each to the user-event load, and send
// what is due to adtrace.user-events.raw as the trackers' JSON, unkeyed, at its delivery time.
import { setTimeout as sleep } from 'node:timers/promises';
import { createCodec, type Impression, RecordNames } from '@adtrace/schemas';
import type { Kafka } from 'kafkajs';
import { followTopic } from '../tail/follow-topic.ts';
import { transientReason } from '../transient.ts';
import type { SentUserEvent, UserEventLoad } from './user-event-load.ts';

export interface TrackerRun {
  readonly impressionsTopic: string;
  readonly userEventsTopic: string;
  /** How often due events are sent (default 100 ms). */
  readonly tickMs?: number;
  /** Aborting stops following (a start still under way throws); finish() then sends nothing more. */
  readonly signal?: AbortSignal;
  onSent?(sent: SentUserEvent): void;
}

export interface TrackerSummary {
  clicks: number;
  conversions: number;
  forged: number;
  expired: number;
  duplicates: number;
  lateWithinGrace: number;
  lateBeyondGrace: number;
}

export interface Tracker {
  /**
   * Keeps following and sending for `tailMs` more, and until no impression of this load came
   * for `idleMs` (the pipeline has served what it will); then stops. Events due later are not
   * sent and not in the truth.
   */
  finish(options: { tailMs: number; idleMs: number; signal?: AbortSignal }): Promise<TrackerSummary>;
}

const impressionCodec = createCodec(RecordNames.Impression);
/** A partition with no impression read for this long no longer holds conversions back (see impressionsThroughMs). */
const QUIET_MS = 5_000;

/** Resolves once the impressions topic is followed from a fixed offset: send the requests after it. */
export async function startTracker(kafka: Kafka, load: UserEventLoad, run: TrackerRun): Promise<Tracker> {
  const tickMs = run.tickMs ?? 100;
  const summary: TrackerSummary = {
    clicks: 0,
    conversions: 0,
    forged: 0,
    expired: 0,
    duplicates: 0,
    lateWithinGrace: 0,
    lateBeyondGrace: 0,
  };
  let lastImpressionMs = Date.now();
  // How far the impressions have been read: the lowest, over the partitions, of each one's highest
  // record timestamp (delivery stamps the time it served). A partition with no record for a while
  // (or none yet) no longer holds it back, as the runtime's idle policy: it has served what it had.
  const highest = new Map<number, { ts: number; atMs: number }>();
  // Partitions with records still to come (fetched, more on the broker, or in an open transaction
  // of delivery's): never quiet, however long since their last record.
  const pending = new Set<number>();
  let partitions = 0;
  const startedMs = Date.now();
  const impressionsThroughMs = () => {
    const now = Date.now();
    let through = Number.POSITIVE_INFINITY;
    for (let p = 0; p < partitions; p++) {
      const seen = highest.get(p);
      if (pending.has(p) || now - (seen?.atMs ?? startedMs) < QUIET_MS)
        through = Math.min(through, seen?.ts ?? Number.NEGATIVE_INFINITY);
    }
    return through;
  };
  let sending = true;
  const unfollow = new AbortController();
  let ready!: () => void;
  const following = followTopic(kafka, {
    topic: run.impressionsTopic,
    fromBeginning: false,
    signal: run.signal ? AbortSignal.any([unfollow.signal, run.signal]) : unfollow.signal,
    onReady: (count) => {
      partitions = count;
      ready();
    },
    onFetch(partitions) {
      for (const { partition, pending: more } of partitions) {
        if (more) pending.add(partition);
        else pending.delete(partition);
      }
    },
    onRecord(record) {
      const ts = Math.max(Number(record.timestamp), highest.get(record.partition)?.ts ?? Number.NEGATIVE_INFINITY);
      highest.set(record.partition, { ts, atMs: Date.now() });
      if (!record.value) return;
      const impression: Impression = impressionCodec.decode(record.value);
      if (load.impression(impression, Date.now())) lastImpressionMs = Date.now();
    },
  });
  await Promise.race([
    new Promise<void>((resolve) => {
      ready = resolve;
    }),
    following.then(() => {
      throw new Error(`stopped following ${run.impressionsTopic} before it started`);
    }),
  ]);
  const producer = kafka.producer();
  try {
    await producer.connect();
  } catch (err) {
    unfollow.abort();
    await following.catch(() => {});
    await producer.disconnect().catch(() => {});
    throw err;
  }
  // Following ended by itself (the broker gone for good): stop sending; finish() reports it.
  following.catch(() => {
    sending = false;
  });

  // Events due but not acknowledged (the broker away): sent first when it answers again.
  let held: SentUserEvent[] = [];
  const flush = async (nowMs: number) => {
    const due = held.concat(load.due(nowMs, impressionsThroughMs()));
    held = [];
    if (due.length === 0) return;
    try {
      await producer.send({ topic: run.userEventsTopic, messages: due.map((d) => ({ value: JSON.stringify(d.raw) })) });
    } catch (err) {
      held = due;
      throw err;
    }
    for (const d of due) {
      const e = d.event;
      summary[e.kind === 'click' ? 'clicks' : 'conversions']++;
      if (e.label === 'forged') summary.forged++;
      else if (e.label === 'expired') summary.expired++;
      else if (e.label === 'duplicate') summary.duplicates++;
      else if (e.lateness === 'within-grace') summary.lateWithinGrace++;
      else if (e.lateness === 'beyond-grace') summary.lateBeyondGrace++;
      run.onSent?.(d);
    }
  };
  const sender = (async () => {
    while (sending) {
      try {
        await flush(Date.now());
      } catch (err) {
        // A broker that went away (restarting, electing leaders) is waited for, its events held.
        if (transientReason(err) === undefined) throw err;
      }
      await sleep(tickMs);
    }
  })();
  // A send that failed for good ends the loop; finish() reports it.
  sender.catch(() => {
    sending = false;
  });

  return {
    async finish({ tailMs, idleMs, signal }) {
      const endAtMs = Date.now() + tailMs;
      try {
        while (sending && !signal?.aborted && (Date.now() < endAtMs || Date.now() - lastImpressionMs < idleMs))
          await sleep(tickMs);
        sending = false;
        await sender;
        unfollow.abort();
        await following;
        // Stopped (Ctrl-C): no last send, which a broker that is away would hold up for its retries.
        if (!signal?.aborted) await flush(Date.now());
        return summary;
      } finally {
        unfollow.abort();
        await following.catch(() => {});
        await producer.disconnect().catch(() => {});
      }
    },
  };
}
