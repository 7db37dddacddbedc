// `adtrace start`'s trackers: the clicks and conversions of what the pipeline serves its steady
// load, drawn from the demo ground truth (as `adtrace load` and `adtrace demo` draw them) by the
// user-event load in its bounded mode, which keeps no truth and forgets what can no longer
// matter, so it runs as long as start does. Without them, start's revenue and ROAS stay $0.
import { setTimeout as sleep } from 'node:timers/promises';
import { type DemoUser, demoUserEventModel } from '@adtrace/ads';
import { type Campaign, Topics } from '@adtrace/schemas';
import type { Kafka } from 'kafkajs';
import { info, UsageError } from '../command.ts';
import { pipelineWindows } from '../load/pipeline-windows.ts';
import { startTracker } from '../load/track-user-events.ts';
import { createUserEventLoad, type UserEventLoad } from '../load/user-event-load.ts';
import { transientReason } from '../transient.ts';

/** ADTRACE_DEMO_USER_EVENTS: 1 (the default) sends the trackers' clicks and conversions beside the demo load, 0 none. */
export function demoUserEvents(env: NodeJS.ProcessEnv = process.env): boolean {
  const raw = env.ADTRACE_DEMO_USER_EVENTS?.trim();
  if (raw === undefined || raw === '' || raw === '1') return true;
  if (raw === '0') return false;
  throw new UsageError(`ADTRACE_DEMO_USER_EVENTS must be 1 (clicks and conversions) or 0 (none), got "${raw}"`);
}

export interface DemoTrackers {
  /** Register each request of the load before it is sent (sendLoad's beforeSend). */
  readonly load: UserEventLoad;
  /** Clicks and conversions sent so far. */
  readonly sent: { clicks: number; conversions: number };
  /** Follows the impressions and sends what is due until `signal` aborts. */
  run(kafka: Kafka, signal: AbortSignal): Promise<void>;
}

export function demoTrackers(campaigns: readonly Campaign[], users: readonly DemoUser[]): DemoTrackers {
  const model = demoUserEventModel(campaigns, {
    seed: Math.floor(Math.random() * 2 ** 31),
    windows: pipelineWindows(),
    drift: null,
  });
  const load = createUserEventLoad({ campaigns, users, model, keepTruth: false });
  const sent = { clicks: 0, conversions: 0 };
  return {
    load,
    sent,
    /**
     * A broker that goes away (restarting, electing leaders) is waited for, as the request load
     * does, and the trackers start again, following the impressions from their end then (what was
     * served meanwhile gets no clicks); any other error ends start.
     */
    async run(kafka, signal) {
      while (!signal.aborted) {
        try {
          const tracker = await startTracker(kafka, load, {
            impressionsTopic: Topics.impressions,
            userEventsTopic: Topics.userEventsRaw,
            signal,
            onSent: ({ event }) => {
              sent[event.kind === 'click' ? 'clicks' : 'conversions']++;
            },
          });
          await tracker.finish({ tailMs: Number.POSITIVE_INFINITY, idleMs: 0, signal });
        } catch (err) {
          const why = transientReason(err);
          if (signal.aborted) return;
          if (why === undefined) throw err;
          info(`trackers: waiting for the broker (${why})`);
          await sleep(2000, undefined, { signal }).catch(() => {});
        }
      }
    },
  };
}
