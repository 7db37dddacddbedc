import type { Warehouse } from '@adtrace/warehouse';
import type { Tracer } from '@opentelemetry/api';
import { chargePhase, startPhase, UNMEASURED } from './cpu-phase.ts';

export interface SpanRetention {
  /** Stops the timer and waits for a deletion under way. */
  stop(): Promise<void>;
}

/**
 * Deletes the spans older than `hours` now and then every `everyMs`, each time in a span of its
 * own (`warehouse.retention spans`, its CPU and the rows deleted), on the warehouse's writer like
 * a load. Without it the spans table grows with every traced event for as long as the service
 * runs: disk, and on DuckDB the primary key's in-memory index (packages/warehouse/README.md,
 * "Loading"). A failed deletion is logged and tried again at the next turn.
 */
export function startSpanRetention(options: {
  readonly warehouse: Warehouse;
  readonly hours: number;
  readonly everyMs: number;
  readonly tracer: Tracer;
  readonly log: (level: 'info' | 'warn', message: string) => void;
  readonly now?: () => number;
}): SpanRetention {
  const { warehouse, hours, everyMs, tracer, log, now = Date.now } = options;
  if (hours === 0) return { stop: async () => {} };
  let running: Promise<void> | undefined;
  const once = () =>
    tracer.startActiveSpan('warehouse.retention spans', { attributes: UNMEASURED }, async (span) => {
      const phase = startPhase();
      const before = now() - hours * 3_600_000;
      try {
        const deleted = await warehouse.deleteSpansBefore(before);
        span.setAttribute('adtrace.retention.deleted_rows', deleted);
        span.setAttribute('adtrace.retention.before_ms', before);
        if (deleted > 0) log('info', `deleted ${deleted} spans that started before ${new Date(before).toISOString()}`);
      } catch (err) {
        log('warn', `span retention: ${String(err)}`);
      } finally {
        chargePhase(span, phase);
        span.end();
      }
    });
  const turn = () => {
    running ??= once().finally(() => {
      running = undefined;
    });
  };
  turn();
  const timer = setInterval(turn, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
