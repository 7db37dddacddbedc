// What `adtrace load` adds to its requests: the trackers' clicks and conversions for the
// impressions the pipeline served them, drawn from the demo ground truth by the simulator of
// packages/ads (attribution/simulate), so the drawing rules and the truth exist once. Pure: the
// caller feeds the impressions it reads from adtrace.impressions with the time it read them,
// asks what is due at a time, and sends it; `truth()` is what the pipeline must end with.
import {
  adsById,
  buildAdIndex,
  byDelivery,
  computeTruth,
  contextQuery,
  createUserEventSimulator,
  type DemoUser,
  isAnonymousUserKey,
  type PctrContext,
  type RawUserEvent,
  type SimImpression,
  type SimModel,
  type SimTruth,
  type SimUserEvent,
  servedCtr,
  toRawUserEvent,
} from '@adtrace/ads';
import type { Campaign, Impression } from '@adtrace/schemas';
import type { LoadTruth } from './openrtb-load.ts';

export interface UserEventLoadOptions {
  readonly campaigns: readonly Campaign[];
  readonly users: readonly DemoUser[];
  readonly model: SimModel;
  /**
   * How long after a conversion's time its delivery is decided (default 3 s), and no sooner than
   * that long after the impressions read reach its time (`due`'s `impressionsThroughMs`): by then
   * the impressions served before it have reached the load, so it is delivered after every
   * earlier touch of its user, as the simulator's rule and tracking's attribution need. A
   * pipeline seconds behind delivers impressions stamped before a conversion's time seconds later.
   */
  readonly settleMs?: number;
  /**
   * false: bounded memory, for a load without end (`adtrace start`): no truth is kept (`truth()`
   * throws), and everything is forgotten once it can no longer matter — a request `requestTtlMs`
   * after it was sent (with the ids of its impressions seen), a user's raw id once their
   * conversions are settled, the simulator's touches once no conversion still to settle can
   * follow them — and an event the simulator would have happen or be delivered more than
   * `horizonMs` after its impression (a click on a week-old token, a conversion after a day-long
   * window) is never sent. An impression of an ad the demo catalog lacks (a campaign published
   * meanwhile) is skipped, not an error. Default true.
   */
  readonly keepTruth?: boolean;
  /** Bounded mode: how long after it is sent a request's impressions are still recognized (default 60 s). */
  readonly requestTtlMs?: number;
  /** Bounded mode: the farthest after its impression an event is still sent (default 1 hour). */
  readonly horizonMs?: number;
}

export interface SentUserEvent {
  /** What the simulator meant (labels: genuine, duplicate, forged, expired; lateness). */
  readonly event: SimUserEvent;
  /** What the tracker sends to adtrace.user-events.raw. */
  readonly raw: RawUserEvent;
}

export interface UserEventLoad {
  /**
   * A request of this load, before it is sent (at `sentAtMs`, default now): its impressions are
   * recognized by request id.
   */
  request(truth: LoadTruth, sentAtMs?: number): void;
  /** An impression read from the impressions topic at `receivedAtMs`; false if another load's. */
  impression(impression: Impression, receivedAtMs: number): boolean;
  /**
   * The events due at `nowMs`, in delivery order; from then on they count as sent.
   * `impressionsThroughMs`: every impression served (stamped) up to then has been read.
   */
  due(nowMs: number, impressionsThroughMs?: number): SentUserEvent[];
  /** What the pipeline must end with for what was served and sent. */
  truth(): SimTruth;
  /** What it has seen and what it holds (in bounded mode, every count but the first and the last stays bounded). */
  stats(): UserEventLoadStats;
}

export interface UserEventLoadStats {
  /** Impressions of this load seen (test requests' aside). */
  readonly impressions: number;
  /** Events drawn and not sent (yet). */
  readonly unsent: number;
  /** Requests whose impressions are still recognized. */
  readonly requests: number;
  /** Users whose raw id is kept for their conversions. */
  readonly userIds: number;
  /** The simulator's touches kept to order conversions after them. */
  readonly touches: number;
  /** Bounded mode: events never to be sent, past the horizon; impressions of ads the catalog lacks. */
  readonly dropped: number;
  readonly unknownAds: number;
}

/** Forgotten touches lag the settled time by this much: an impression read this late still orders its conversions. */
const FORGET_SLACK_MS = 60_000;
/** Bounded mode tidies up at most this often (of the caller's clock). */
const PRUNE_EVERY_MS = 1_000;

export function createUserEventLoad(options: UserEventLoadOptions): UserEventLoad {
  const index = buildAdIndex(options.campaigns);
  const entries = adsById(index);
  const users = new Map(options.users.map((u) => [u.userId, u]));
  const settleMs = options.settleMs ?? 3_000;
  const keepTruth = options.keepTruth ?? true;
  const requestTtlMs = options.requestTtlMs ?? 60_000;
  const horizonMs = keepTruth ? Number.POSITIVE_INFINITY : (options.horizonMs ?? 3_600_000);
  const simulator = createUserEventSimulator(options.model, { horizonMs });
  /** By request id, in the order sent; with the ids of its impressions seen (each counts once). */
  const requests = new Map<string, { truth: LoadTruth; sentAtMs: number; seen: Set<string> }>();
  /** Truth mode only: every impression, and every event sent. */
  const impressions: SimImpression[] = [];
  const sent: SimUserEvent[] = [];
  /**
   * Raw user id by user key: the pixel knows the id the load put in the request. With the latest
   * impression time of the user, in that order (bounded mode forgets from the front).
   */
  const rawIds = new Map<string, { id: string; lastMs: number }>();
  const rawOf = (event: SimUserEvent): SentUserEvent => ({
    event,
    // Organic conversions are of users nobody served: their raw id is the simulator's key.
    raw: toRawUserEvent(event, (key) => rawIds.get(key)?.id ?? key),
  });
  let queue: SentUserEvent[] = [];
  let seenCount = 0;
  let dropped = 0;
  let unknownAds = 0;
  let prunedAtMs = Number.NEGATIVE_INFINITY;

  /** Queues events as the tracker will send them; in bounded mode, none past the horizon. */
  const enqueue = (events: readonly SimUserEvent[], fromMs: number) => {
    for (const event of events) {
      if (event.deliverAtMs - fromMs > horizonMs) dropped++;
      else queue.push(rawOf(event));
    }
  };

  /** Bounded mode: a request's impressions come within its tmax and the pipeline's lag, not a minute later. */
  const forgetRequests = (nowMs: number) => {
    if (keepTruth) return;
    for (const [id, r] of requests) {
      if (r.sentAtMs >= nowMs - requestTtlMs) break;
      requests.delete(id);
    }
  };

  /** Bounded mode: forgets the users and touches that can no longer matter, conversions settled through `settledMs`. */
  const forgetUsers = (nowMs: number, settledMs: number) => {
    if (keepTruth || nowMs < prunedAtMs + PRUNE_EVERY_MS) return;
    prunedAtMs = nowMs;
    // A user's conversions happen within the horizon of their impressions: settled past that, none is left.
    for (const [key, u] of rawIds) {
      if (u.lastMs + horizonMs >= settledMs) break;
      rawIds.delete(key);
    }
    simulator.forget(settledMs - FORGET_SLACK_MS);
  };

  return {
    request(truth, sentAtMs = Date.now()) {
      requests.set(truth.requestId, { truth, sentAtMs, seen: new Set() });
      forgetRequests(sentAtMs);
    },

    impression(impression, receivedAtMs) {
      const entry = requests.get(impression.requestId);
      if (!entry || entry.seen.has(impression.impressionId)) return false;
      entry.seen.add(impression.impressionId);
      const request = entry.truth;
      // A test request's impression never counts (tracking traces it, aggregation never sees it):
      // no clicks or conversions are drawn for it, so the truth holds none of it either.
      if (impression.test) return true;
      const ad = entries.get(`${impression.campaignId}|${impression.adId}`);
      if (!ad) {
        if (!keepTruth) {
          unknownAds++;
          return true;
        }
        throw new Error(
          `impression ${impression.impressionId} shows ad ${impression.adId} of campaign ${impression.campaignId}, ` +
            'which the demo catalog lacks: publish it (adtrace campaigns publish), or load with --no-user-events',
        );
      }
      const user = request.userId === null ? undefined : users.get(request.userId);
      // As profiling: a profile only for a known user who consented (or where GDPR does not apply).
      const profiled = user !== undefined && !request.gdprWithoutConsent ? user : undefined;
      const ctx: PctrContext = {
        platform: request.platform,
        placement: request.placement.toLowerCase(),
        deviceType: request.deviceType,
        os: request.os.toLowerCase(),
        country: request.country,
        pos: request.imps.find((i) => i.id === impression.impId)?.pos ?? 0,
        ageBracket: profiled?.segments.ageBracket ?? 'UNKNOWN',
        interests: profiled?.segments.interests ?? [],
      };
      const query = profiled?.segments.embedding ?? contextQuery(request.placement);
      // Ingest keys a request it may not profile (GDPR without consent, COPPA, a US opt-out) by its
      // own event, whatever user id it carries: no pixel's user id can be joined with that key.
      const identified = request.userId !== null && !isAnonymousUserKey(impression.userKey);
      if (identified) {
        const lastMs = Math.max(impression.eventTimeMs, rawIds.get(impression.userKey)?.lastMs ?? 0);
        rawIds.delete(impression.userKey); // to the back: the front is the longest unseen
        rawIds.set(impression.userKey, { id: request.userId!, lastMs });
      }
      const sim: SimImpression = {
        impression,
        context: request.placement,
        deliverAtMs: receivedAtMs,
        trueCtr: servedCtr(index, ad, ctx, query).trueCtr,
        // A device-only, anonymous or unconsented visitor: no pixel can name the user, so no conversion.
        identified,
      };
      seenCount++;
      if (keepTruth) impressions.push(sim);
      enqueue(simulator.add(sim), impression.eventTimeMs);
      return true;
    },

    due(nowMs, impressionsThroughMs = Number.POSITIVE_INFINITY) {
      const settledMs = Math.min(nowMs, impressionsThroughMs) - settleMs;
      // A conversion's horizon is the simulator's (from its impression); its delivery's, from its time.
      for (const conversion of simulator.settle(settledMs)) enqueue([conversion], conversion.eventTimeMs);
      forgetRequests(nowMs);
      forgetUsers(nowMs, settledMs);
      const ready = queue.filter((e) => e.event.deliverAtMs <= nowMs).sort((a, b) => byDelivery(a.event, b.event));
      if (ready.length === 0) return [];
      queue = queue.filter((e) => e.event.deliverAtMs > nowMs);
      if (keepTruth) sent.push(...ready.map((r) => r.event));
      return ready;
    },

    truth() {
      if (!keepTruth) throw new Error('this user-event load keeps no truth (keepTruth: false)');
      return computeTruth(impressions, sent, options.model);
    },

    stats() {
      const held = simulator.held();
      return {
        impressions: seenCount,
        unsent: queue.length + simulator.pending(),
        requests: requests.size,
        userIds: rawIds.size,
        touches: held.touches,
        dropped: dropped + held.dropped,
        unknownAds,
      };
    },
  };
}
