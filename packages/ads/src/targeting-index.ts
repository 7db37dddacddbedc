// Targeting as bitsets over the campaigns of an ad index, built once per campaigns table version:
// per targeting list, the campaigns that leave it empty (match anything) and, per value, the
// campaigns that list it. A request's matches are then a few ANDs and ORs of words instead of
// matchCampaign over every campaign (which reads each campaign's targeting object: at 1,000
// campaigns that was the auction's largest cost after the nearest-ad scan, bench/serving).
// It answers exactly what matchCampaign answers (targeting-index.test.ts checks both agree).
import type { Campaign } from '@adtrace/schemas';
import type { TargetingContext } from './targeting.ts';

/** One targeting list as bitsets: who leaves it empty, and who lists each value. */
interface ListIndex<V> {
  readonly open: Uint32Array;
  readonly byValue: ReadonlyMap<V, Uint32Array>;
}

export interface TargetingIndex {
  readonly size: number;
  /** Active campaigns without flight dates: they match at any time. */
  readonly undated: Uint32Array;
  /** Active campaigns with a start or end: checked against the clock per request (few). */
  readonly dated: readonly { readonly slot: number; readonly startMs: number | null; readonly endMs: number | null }[];
  readonly countries: ListIndex<string>;
  readonly geoRegions: ListIndex<string>;
  readonly deviceTypes: ListIndex<number>;
  /** Keyed lower case, as matchCampaign compares them. */
  readonly os: ListIndex<string>;
  readonly ageBrackets: ListIndex<string>;
  readonly segments: ListIndex<string>;
  /** Campaigns excluding each segment (no `open`: an empty list excludes nobody). */
  readonly excludedBy: ReadonlyMap<string, Uint32Array>;
  /** Keyed lower case: a placement matches a target equal to it or to one of its dot suffixes. */
  readonly domains: ListIndex<string>;
}

export function buildTargetingIndex(campaigns: readonly Campaign[]): TargetingIndex {
  const size = campaigns.length;
  const words = Math.ceil(size / 32);
  const bits = () => new Uint32Array(words);
  const set = (b: Uint32Array, slot: number) => {
    b[slot >>> 5]! |= 1 << (slot & 31);
  };
  const list = <V>(valuesOf: (c: Campaign) => readonly V[]): ListIndex<V> => {
    const open = bits();
    const byValue = new Map<V, Uint32Array>();
    campaigns.forEach((campaign, slot) => {
      const values = valuesOf(campaign);
      if (values.length === 0) set(open, slot);
      for (const v of values) {
        let b = byValue.get(v);
        if (!b) {
          b = bits();
          byValue.set(v, b);
        }
        set(b, slot);
      }
    });
    return { open, byValue };
  };
  const undated = bits();
  const dated: TargetingIndex['dated'][number][] = [];
  campaigns.forEach((c, slot) => {
    if (!c.active) return;
    if (c.startMs === null && c.endMs === null) set(undated, slot);
    else dated.push({ slot, startMs: c.startMs, endMs: c.endMs });
  });
  return {
    size,
    undated,
    dated,
    countries: list((c) => c.targeting.countries),
    geoRegions: list((c) => c.targeting.geoRegions),
    deviceTypes: list((c) => c.targeting.deviceTypes),
    os: list((c) => c.targeting.os.map((os) => os.toLowerCase())),
    ageBrackets: list((c) => c.targeting.ageBrackets),
    segments: list((c) => c.targeting.segments),
    excludedBy: list((c) => c.targeting.excludedSegments).byValue,
    domains: list((c) => c.targeting.domains.map((d) => d.toLowerCase())),
  };
}

/**
 * Writes each campaign's match into `out` (by campaign slot): 0 no match, 1 match, 2 match
 * through segments — what matchCampaign says of every campaign, at a few word operations each.
 */
export function matchCampaigns(index: TargetingIndex, ctx: TargetingContext, nowMs: number, out: Uint8Array): void {
  const acc = Uint32Array.from(index.undated);
  for (const d of index.dated) {
    if ((d.startMs === null || nowMs >= d.startMs) && (d.endMs === null || nowMs < d.endMs)) {
      acc[d.slot >>> 5]! |= 1 << (d.slot & 31);
    }
  }
  andAccepting(acc, index.countries, ctx.country);
  andAccepting(acc, index.geoRegions, ctx.geoRegion);
  andAccepting(acc, index.deviceTypes, ctx.deviceType);
  andAccepting(acc, index.os, ctx.os);
  andAccepting(acc, index.ageBrackets, ctx.ageBracket);
  const segmentMatched = new Uint32Array(acc.length);
  for (const s of ctx.segments) {
    orInto(segmentMatched, index.segments.byValue.get(s));
    const excluded = index.excludedBy.get(s);
    if (excluded) for (let w = 0; w < acc.length; w++) acc[w]! &= ~excluded[w]!;
  }
  for (let w = 0; w < acc.length; w++) acc[w]! &= index.segments.open[w]! | segmentMatched[w]!;
  const domains = Uint32Array.from(index.domains.open);
  for (const placement of ctx.placements) {
    orInto(domains, index.domains.byValue.get(placement));
    for (let i = placement.indexOf('.'); i >= 0; i = placement.indexOf('.', i + 1)) {
      orInto(domains, index.domains.byValue.get(placement.slice(i + 1)));
    }
  }
  for (let w = 0; w < acc.length; w++) acc[w]! &= domains[w]!;
  out.fill(0, 0, index.size);
  for (let w = 0; w < acc.length; w++) {
    let word = acc[w]!;
    while (word !== 0) {
      const bit = 31 - Math.clz32(word & -word);
      const slot = (w << 5) | bit;
      out[slot] = segmentMatched[w]! & (1 << bit) ? 2 : 1;
      word &= word - 1;
    }
  }
}

/** Keeps the campaigns whose list is empty or holds the request's value (an unknown value: only the former). */
function andAccepting<V>(acc: Uint32Array, list: ListIndex<V>, value: V | null): void {
  const listed = value === null ? undefined : list.byValue.get(value);
  for (let w = 0; w < acc.length; w++) acc[w]! &= list.open[w]! | (listed ? listed[w]! : 0);
}

function orInto(acc: Uint32Array, b: Uint32Array | undefined): void {
  if (b) for (let w = 0; w < acc.length; w++) acc[w]! |= b[w]!;
}
