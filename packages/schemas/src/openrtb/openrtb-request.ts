import type { FieldFix } from './validation-error.ts';

/**
 * A validated OpenRTB 2.6 bid request from adtrace.bid-requests.raw (JSON, or the Avro
 * RawBidRequest read by the same rules), reduced to the fields the pipeline reads. Defaults of
 * the spec are applied (at 2, bidfloor 0, bidfloorcur USD, empty lists); absent optional values
 * are undefined. It still holds raw personal data (user ids, device ids, full IP, exact
 * location): ingest turns it into the Avro BidRequest (user key, reduced PII) and drops the rest.
 */
export interface OpenRtbRequest {
  readonly id: string;
  readonly imp: readonly OpenRtbImp[];
  readonly site?: OpenRtbSite;
  readonly app?: OpenRtbApp;
  readonly dooh?: OpenRtbDooh;
  readonly device?: OpenRtbDevice;
  readonly user?: OpenRtbUser;
  /** Always present; OpenRTB 2.5 `regs.ext.gdpr` / `regs.ext.us_privacy` are read as fallbacks. */
  readonly regs: OpenRtbRegs;
  /** 1 first price, 2 second price plus (the default); anything else is refused. */
  readonly at: 1 | 2;
  /** OpenRTB test = 1: flows and is traced, never counts as spend. */
  readonly test: boolean;
  readonly tmax?: number;
  readonly cur: readonly string[];
  readonly bcat: readonly string[];
  readonly badv: readonly string[];
  /** Malformed optional fields that were dropped or normalized instead of refusing the request. */
  readonly fixes: readonly FieldFix[];
}

export interface OpenRtbImp {
  readonly id: string;
  readonly banner?: OpenRtbBanner;
  readonly video?: OpenRtbVideo;
  readonly audio?: OpenRtbAudio;
  /** Carried so that a native-only imp is not lost. */
  readonly native?: OpenRtbNative;
  /** CPM in bidfloorcur; 0 when absent. */
  readonly bidfloor: number;
  readonly bidfloorcur: string;
  readonly tagid?: string;
}

export interface OpenRtbFormat {
  readonly w: number;
  readonly h: number;
}

export interface OpenRtbBanner {
  readonly format: readonly OpenRtbFormat[];
  readonly w?: number;
  readonly h?: number;
  readonly pos?: number;
}

export interface OpenRtbVideo {
  readonly mimes: readonly string[];
  readonly minduration?: number;
  readonly maxduration?: number;
  readonly w?: number;
  readonly h?: number;
  readonly protocols: readonly number[];
  readonly plcmt?: number;
}

export interface OpenRtbAudio {
  readonly mimes: readonly string[];
  readonly minduration?: number;
  readonly maxduration?: number;
}

export interface OpenRtbNative {
  /** The Native Ads request, a JSON string. */
  readonly request?: string;
  readonly ver?: string;
}

export interface OpenRtbPublisher {
  readonly id?: string;
}

export interface OpenRtbSite {
  readonly id?: string;
  readonly domain?: string;
  readonly page?: string;
  readonly ref?: string;
  readonly cat: readonly string[];
  readonly publisher?: OpenRtbPublisher;
}

export interface OpenRtbApp {
  readonly id?: string;
  readonly bundle?: string;
  readonly domain?: string;
  readonly cat: readonly string[];
  readonly publisher?: OpenRtbPublisher;
}

export interface OpenRtbDooh {
  readonly id?: string;
  readonly venuetype: readonly string[];
  readonly domain?: string;
  readonly publisher?: OpenRtbPublisher;
}

export interface OpenRtbGeo {
  readonly lat?: number;
  readonly lon?: number;
  readonly country?: string;
  readonly region?: string;
  readonly city?: string;
  readonly zip?: string;
  readonly metro?: string;
}

export interface OpenRtbDevice {
  readonly ua?: string;
  /** Full IPv4 address: personal data until ingest truncates it. An IPv6 address sent in `ip` is moved to `ipv6`. */
  readonly ip?: string;
  readonly ipv6?: string;
  readonly geo?: OpenRtbGeo;
  readonly os?: string;
  readonly devicetype?: number;
  /** Advertising id: ingest may use it for the user key, then drops it. */
  readonly ifa?: string;
}

export interface OpenRtbUser {
  readonly id?: string;
  readonly buyeruid?: string;
  readonly yob?: number;
  readonly gender?: string;
  /** Extended ids (user.eids), kept only so that ingest can report dropping them. */
  readonly eids?: readonly unknown[];
  /** TCF consent string; OpenRTB 2.5 `user.ext.consent` is read as a fallback. */
  readonly consent?: string;
}

export interface OpenRtbRegs {
  readonly coppa: boolean;
  readonly gdpr?: boolean;
  readonly us_privacy?: string;
  readonly gpp?: string;
  readonly gpp_sid: readonly number[];
}
