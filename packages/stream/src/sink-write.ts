import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import type { ChunkPlace } from './each-batch.ts';
import { backOff, judge } from './failure.ts';
import type { Outbox } from './outbox.ts';
import { giveUp, type OpenSpans, type Pending, type SinkParts } from './sink-record.ts';

/**
 * One bulk write for the chunk's records; returns how many were written. A transient failure
 * (the store away) is retried with backoff until it succeeds or the sink stops. A failure the
 * records may cause (RejectedError, or an unclassified error after `handlerAttempts`) splits the
 * records in halves, each written on its own, down to the one record that fails alone: that one
 * is dead-lettered and the rest are written, so a poison record never blocks its partition.
 * The write runs on ROOT_CONTEXT: one write serves many events, so it belongs to no event's trace.
 */
export async function writeRecords<In>(
  deps: SinkParts<In>,
  place: ChunkPlace,
  pending: readonly Pending<In>[],
  outbox: Outbox,
  spans: OpenSpans,
): Promise<number> {
  if (pending.length === 0) return 0;
  const records = pending.map((p) => p.record);
  for (let attempt = 0; ; attempt++) {
    try {
      await context.with(ROOT_CONTEXT, () => deps.write(records, { signal: deps.signal, attempt }));
      for (const p of pending) spans.end(p.opened.span);
      place.task.breaker.success();
      return pending.length;
    } catch (error) {
      const { verdict, again } = judge(deps, error, 'write', attempt);
      if (again) {
        const open = pending.map((p) => p.opened.span);
        await backOff(deps, attempt, verdict, open, place.keepAlive);
        continue;
      }
      if (pending.length > 1) {
        const half = Math.ceil(pending.length / 2);
        const first = await writeRecords(deps, place, pending.slice(0, half), outbox, spans);
        return first + (await writeRecords(deps, place, pending.slice(half), outbox, spans));
      }
      giveUp(deps, place.task.breaker, pending[0]!, verdict, 'write', error, outbox);
      spans.end(pending[0]!.opened.span);
      return 0;
    }
  }
}
