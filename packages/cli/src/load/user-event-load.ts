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
}

export interface SentUserEvent {
  /** What the simulator meant (labels: genuine, duplicate, forged, expired; lateness). */
  readonly event: SimUserEvent;
  /** What the tracker sends to adtrace.user-events.raw. */
  readonly raw: RawUserEvent;
}

export interface UserEventLoad {
  /** A request of this load, before it is sent: its impressions are recognized by request id. */
  request(truth: LoadTruth): void;
  /** An impression read from the impressions topic at `receivedAtMs`; false if another load's. */
  impression(impression: Impression, receivedAtMs: number): boolean;
  /**
   * The events due at `nowMs`, in delivery order; from then on they count as sent.
   * `impressionsThroughMs`: every impression served (stamped) up to then has been read.
   */
  due(nowMs: number, impressionsThroughMs?: number): SentUserEvent[];
  /** What the pipeline must end with for what was served and sent. */
  truth(): SimTruth;
  /** Impressions of this load seen; events drawn and not sent (yet). */
  stats(): { readonly impressions: number; readonly unsent: number };
}

export function createUserEventLoad(options: UserEventLoadOptions): UserEventLoad {
  const index = buildAdIndex(options.campaigns);
  const entries = adsById(index);
  const users = new Map(options.users.map((u) => [u.userId, u]));
  const settleMs = options.settleMs ?? 3_000;
  const simulator = createUserEventSimulator(options.model);
  const requests = new Map<string, LoadTruth>();
  const impressions: SimImpression[] = [];
  const seen = new Set<string>();
  /** Raw user id by user key: the pixel knows the id the load put in the request. */
  const rawIds = new Map<string, string>();
  let queue: SimUserEvent[] = [];
  const sent: SimUserEvent[] = [];

  return {
    request(truth) {
      requests.set(truth.requestId, truth);
    },

    impression(impression, receivedAtMs) {
      const request = requests.get(impression.requestId);
      if (!request || seen.has(impression.impressionId)) return false;
      seen.add(impression.impressionId);
      // A test request's impression never counts (tracking traces it, aggregation never sees it):
      // no clicks or conversions are drawn for it, so the truth holds none of it either.
      if (impression.test) return true;
      const entry = entries.get(`${impression.campaignId}|${impression.adId}`);
      if (!entry)
        throw new Error(
          `impression ${impression.impressionId} shows ad ${impression.adId} of campaign ${impression.campaignId}, ` +
            'which the demo catalog lacks: publish it (adtrace campaigns publish), or load with --no-user-events',
        );
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
      if (identified) rawIds.set(impression.userKey, request.userId!);
      const sim: SimImpression = {
        impression,
        context: request.placement,
        deliverAtMs: receivedAtMs,
        trueCtr: servedCtr(index, entry, ctx, query).trueCtr,
        // A device-only, anonymous or unconsented visitor: no pixel can name the user, so no conversion.
        identified,
      };
      impressions.push(sim);
      queue.push(...simulator.add(sim));
      return true;
    },

    due(nowMs, impressionsThroughMs = Number.POSITIVE_INFINITY) {
      queue.push(...simulator.settle(Math.min(nowMs, impressionsThroughMs) - settleMs));
      const ready = queue.filter((e) => e.deliverAtMs <= nowMs).sort(byDelivery);
      if (ready.length === 0) return [];
      queue = queue.filter((e) => e.deliverAtMs > nowMs);
      sent.push(...ready);
      // Organic conversions are of users nobody served: their raw id is the simulator's key.
      return ready.map((event) => ({ event, raw: toRawUserEvent(event, (key) => rawIds.get(key) ?? key) }));
    },

    truth() {
      return computeTruth(impressions, sent, options.model);
    },

    stats() {
      return { impressions: impressions.length, unsent: queue.length + simulator.pending() };
    },
  };
}
