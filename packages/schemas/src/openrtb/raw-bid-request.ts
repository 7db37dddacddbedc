/**
 * The OpenRTB 2.6 bid request as upstream sends it to adtrace.bid-requests.raw, reduced to the
 * fields the pipeline reads: the one place this raw shape is written. Defaults of the spec are
 * applied (at 2, bidfloor 0, bidfloorcur USD, empty lists); absent optional values are
 * undefined. It still holds raw personal data (user ids, device ids, full IP, exact location):
 * ingest turns it into the Avro BidRequest (user key, reduced PII) and drops the rest.
 */
export interface RawBidRequest {
  readonly id: string;
  readonly imp: readonly RawImp[];
  readonly site?: RawSite;
  readonly app?: RawApp;
  readonly dooh?: RawDooh;
  readonly device?: RawDevice;
  readonly user?: RawUser;
  /** Always present; OpenRTB 2.5 `regs.ext.gdpr` / `regs.ext.us_privacy` are read as fallbacks. */
  readonly regs: RawRegs;
  /** 1 first price, 2 second price plus (default), above 500 exchange-specific. */
  readonly at: number;
  readonly tmax?: number;
  readonly cur: readonly string[];
  readonly bcat: readonly string[];
  readonly badv: readonly string[];
}

export interface RawImp {
  readonly id: string;
  readonly banner?: RawBanner;
  readonly video?: RawVideo;
  /** Whether the imp also offers audio or native, which the pipeline does not serve. */
  readonly audio: boolean;
  readonly native: boolean;
  /** CPM in bidfloorcur; 0 when absent. */
  readonly bidfloor: number;
  readonly bidfloorcur: string;
  readonly tagid?: string;
}

export interface RawFormat {
  readonly w: number;
  readonly h: number;
}

export interface RawBanner {
  readonly format: readonly RawFormat[];
  readonly w?: number;
  readonly h?: number;
  readonly pos?: number;
}

export interface RawVideo {
  readonly mimes: readonly string[];
  readonly minduration?: number;
  readonly maxduration?: number;
  readonly w?: number;
  readonly h?: number;
  readonly protocols: readonly number[];
  readonly plcmt?: number;
}

export interface RawPublisher {
  readonly id?: string;
}

export interface RawSite {
  readonly id?: string;
  readonly domain?: string;
  readonly page?: string;
  readonly ref?: string;
  readonly cat: readonly string[];
  readonly publisher?: RawPublisher;
}

export interface RawApp {
  readonly id?: string;
  readonly bundle?: string;
  readonly domain?: string;
  readonly cat: readonly string[];
  readonly publisher?: RawPublisher;
}

export interface RawDooh {
  readonly id?: string;
  readonly venuetype: readonly string[];
  readonly domain?: string;
  readonly publisher?: RawPublisher;
}

export interface RawGeo {
  readonly lat?: number;
  readonly lon?: number;
  readonly country?: string;
  readonly region?: string;
  readonly city?: string;
  readonly zip?: string;
  readonly metro?: string;
}

export interface RawDevice {
  readonly ua?: string;
  /** Full IPv4 address: personal data until ingest truncates it. */
  readonly ip?: string;
  readonly ipv6?: string;
  readonly geo?: RawGeo;
  readonly os?: string;
  readonly devicetype?: number;
  /** Advertising id: ingest may use it for the user key, then drops it. */
  readonly ifa?: string;
}

export interface RawUser {
  readonly id?: string;
  readonly buyeruid?: string;
  /** TCF consent string; OpenRTB 2.5 `user.ext.consent` is read as a fallback. */
  readonly consent?: string;
}

export interface RawRegs {
  readonly coppa: boolean;
  readonly gdpr?: boolean;
  readonly us_privacy?: string;
  readonly gpp?: string;
  readonly gpp_sid: readonly number[];
}
