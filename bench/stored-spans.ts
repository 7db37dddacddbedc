// The warehouse as a stage of a traced run (pnpm bench pipeline and serving): how fast it stored
// a backlog's spans, and whether that bounds the events/s the services reached. A traced event
// whose spans were dropped, or are stored long after the services finished, is not an event
// traced and stored at that rate.

import { rateBetween } from './rate.ts';
import { until } from './serving-services.ts';

/** More than the exporters' 500 ms batch delay, a load's commit and the polls. */
export const WAREHOUSE_SLACK_MS = 2000;

export interface SpanStoreHealth {
  readonly spans: {
    readonly spansInserted: number;
    readonly queuedSpans: number;
    readonly loads: number;
    /** The warehouse's own load spans stored alone: not any event's (services/warehouse/src/span-sink.ts). */
    readonly ownLoadSpansInserted?: number;
  };
}

export interface StoredSpansSummary {
  /** The backlog's spans stored, ÷ its events. */
  readonly spansPerEvent: number;
  /** Spans stored per second between 10 % and 90 % of the backlog's spans. */
  readonly spansPerS: number;
  readonly spansPerLoad: number;
  /** performance.now() when the count of the events' spans last grew. */
  readonly lastStoredAt: number;
}

/** The warehouse's stored span count through a backlog: `begin` before it, `mark` while it drains, `settle` after. */
export class StoredSpans {
  readonly #health: () => Promise<SpanStoreHealth>;
  readonly #marks: { at: number; n: number }[] = [];
  #before = { n: 0, loads: 0 };

  constructor(health: () => Promise<SpanStoreHealth>) {
    this.#health = health;
  }

  async begin(): Promise<void> {
    const { spansInserted, loads } = (await this.#health()).spans;
    this.#before = { n: spansInserted, loads };
  }

  async mark(): Promise<void> {
    this.#marks.push({ at: performance.now(), n: (await this.#health()).spans.spansInserted });
  }

  /** Waits until the count stops growing (2 s) with the warehouse's queue empty. */
  async settle(events: number): Promise<StoredSpansSummary> {
    let since = { n: -1, at: 0 };
    const inserted = await until(
      'the spans stored',
      async () => {
        await new Promise((r) => setTimeout(r, 250));
        const { spansInserted, queuedSpans, loads, ownLoadSpansInserted = 0 } = (await this.#health()).spans;
        const at = performance.now();
        this.#marks.push({ at, n: spansInserted });
        // When the events' spans were last stored: the warehouse's own load spans, which follow
        // the last load by an export and a load of their own, are no event's.
        const eventSpans = spansInserted - ownLoadSpansInserted;
        if (eventSpans !== since.n) since = { n: eventSpans, at };
        return queuedSpans === 0 && at - since.at >= 2000 ? { spansInserted, loads } : undefined;
      },
      600_000,
    );
    const total = inserted.spansInserted - this.#before.n;
    const counts = this.#marks.map((m) => ({ at: m.at, n: m.n - this.#before.n }));
    return {
      spansPerEvent: total / events,
      spansPerS: rateBetween(counts, total),
      spansPerLoad: total / Math.max(1, inserted.loads - this.#before.loads),
      lastStoredAt: since.at,
    };
  }
}

/**
 * The events/s a traced run sustained: the services' rate, bounded by the warehouse's when it fell
 * behind — spans dropped, or the last stored more than WAREHOUSE_SLACK_MS after the services
 * finished. Otherwise its rate only followed the spans' arrival, spread over every stage's time,
 * and is no bound.
 */
export function sustainedEventsPerS(input: {
  readonly servicesEventsPerS: number;
  readonly stored: StoredSpansSummary;
  /** The backlog's events, and the spans the services dropped meanwhile. */
  readonly events: number;
  readonly droppedSpans: number;
  readonly servicesDoneAt: number;
}): { eventsPerS: number; storedEventsPerS: number; warehouseBehind: boolean; storedAfterServicesMs: number } {
  const { stored } = input;
  // An event's spans are those stored and those dropped: it is stored whole only with both.
  const spansPerEvent = stored.spansPerEvent + input.droppedSpans / input.events;
  const storedEventsPerS = spansPerEvent > 0 ? stored.spansPerS / spansPerEvent : Number.POSITIVE_INFINITY;
  const storedAfterServicesMs = stored.lastStoredAt - input.servicesDoneAt;
  const warehouseBehind = input.droppedSpans > 0 || storedAfterServicesMs > WAREHOUSE_SLACK_MS;
  return {
    eventsPerS: Math.min(input.servicesEventsPerS, warehouseBehind ? storedEventsPerS : Number.POSITIVE_INFINITY),
    storedEventsPerS,
    warehouseBehind,
    storedAfterServicesMs,
  };
}
