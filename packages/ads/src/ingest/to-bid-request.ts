import type { BidRequest, FieldFix, Imp, OpenRtbImp, OpenRtbRequest } from '@adtrace/schemas';
import { deriveEventId } from '../identity/event-id.ts';
import { anonymousUserKey, type UserIds, type UserKey } from '../identity/user-key.ts';
import { type ConsentDecision, type ConsentOptions, decideConsent } from './consent.ts';
import { floorToUsdMicros, type UsdRates } from './floor-currency.ts';
import { type PiiAction, reducePii } from './reduce-pii.ts';

export interface IngestOptions {
  /** Where the request came from (the exchange or upstream name): part of the event id. */
  readonly source: string;
  readonly receivedAtMs: number;
  /** createUserKeyer(secret from config). */
  readonly userKeyOf: (ids: UserIds, eventId: string) => UserKey;
  readonly usdRates: UsdRates;
  readonly consent?: ConsentOptions;
}

/** A validated request made into the pipeline's BidRequest, with what ingest did to it. */
export interface Ingested {
  readonly request: BidRequest;
  readonly userKey: UserKey;
  readonly consent: ConsentDecision;
  /** For the `ads.ingest.reduce_pii` span. */
  readonly pii: readonly PiiAction[];
  /** Malformed optional fields dropped or normalized, for `ads.ingest.fields_dropped`. */
  readonly fixes: readonly FieldFix[];
}

/**
 * Ingest's pure step: event id, consent, user key, PII reduction, floors in USD. A request that
 * may not be personalized is keyed by its event id (no profile, no caps, no user key stored).
 * Throws IngestError (UNKNOWN_CURRENCY).
 */
export function toBidRequest(raw: OpenRtbRequest, options: IngestOptions): Ingested {
  const eventId = deriveEventId(options.source, raw.id);
  const consent = decideConsent(raw, options.consent);
  const userKey = consent.personalized
    ? options.userKeyOf({ userId: raw.user?.id, ifa: raw.device?.ifa }, eventId)
    : anonymousUserKey(eventId);
  const { device, actions } = reducePii(raw, userKey.source);
  const imp = raw.imp.map((i, n) => toImp(i, `imp[${n}].bidfloorcur`, options.usdRates));
  const request: BidRequest = {
    eventId,
    receivedAtMs: options.receivedAtMs,
    id: raw.id,
    imp,
    site: raw.site
      ? {
          id: raw.site.id ?? null,
          domain: raw.site.domain ?? null,
          page: raw.site.page ?? null,
          cat: [...raw.site.cat],
          publisherId: raw.site.publisher?.id ?? null,
        }
      : null,
    app: raw.app
      ? {
          id: raw.app.id ?? null,
          bundle: raw.app.bundle ?? null,
          domain: raw.app.domain ?? null,
          cat: [...raw.app.cat],
          publisherId: raw.app.publisher?.id ?? null,
        }
      : null,
    dooh: raw.dooh
      ? {
          id: raw.dooh.id ?? null,
          venuetype: [...raw.dooh.venuetype],
          domain: raw.dooh.domain ?? null,
          publisherId: raw.dooh.publisher?.id ?? null,
        }
      : null,
    device,
    userKey: userKey.key,
    regs: {
      gdpr: raw.regs.gdpr ?? null,
      consent: raw.user?.consent ?? null,
      coppa: raw.regs.coppa,
      us_privacy: raw.regs.us_privacy ?? null,
      gpp: raw.regs.gpp ?? null,
      gpp_sid: [...raw.regs.gpp_sid],
    },
    test: raw.test,
    at: raw.at,
    tmax: raw.tmax ?? null,
    cur: [...raw.cur],
    bcat: [...raw.bcat],
    badv: [...raw.badv],
  };
  return { request, userKey, consent, pii: actions, fixes: raw.fixes };
}

function toImp(imp: OpenRtbImp, field: string, rates: UsdRates): Imp {
  const b = imp.banner;
  const v = imp.video;
  return {
    id: imp.id,
    // banner.w/h is the size when format is absent (OpenRTB 2.6 §3.2.6).
    banner: b
      ? { format: b.format.length > 0 ? [...b.format] : b.w && b.h ? [{ w: b.w, h: b.h }] : [], pos: b.pos ?? null }
      : null,
    video: v
      ? {
          mimes: [...v.mimes],
          minduration: v.minduration ?? null,
          maxduration: v.maxduration ?? null,
          w: v.w ?? null,
          h: v.h ?? null,
          protocols: [...v.protocols],
          plcmt: v.plcmt ?? null,
        }
      : null,
    audio: imp.audio
      ? {
          mimes: [...imp.audio.mimes],
          minduration: imp.audio.minduration ?? null,
          maxduration: imp.audio.maxduration ?? null,
        }
      : null,
    native: imp.native ? { request: imp.native.request ?? null, ver: imp.native.ver ?? null } : null,
    bidfloorMicros: floorToUsdMicros(imp.bidfloor, imp.bidfloorcur, rates, field),
    bidfloorcur: 'USD',
    tagid: imp.tagid ?? null,
  };
}
