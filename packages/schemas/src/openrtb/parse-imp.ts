import {
  at,
  isJson,
  type Json,
  type JsonFields,
  NON_NEGATIVE,
  NON_NEGATIVE_INTEGER,
  POSITIVE_INTEGER,
} from './json-fields.ts';
import type {
  OpenRtbAudio,
  OpenRtbBanner,
  OpenRtbFormat,
  OpenRtbImp,
  OpenRtbNative,
  OpenRtbVideo,
} from './openrtb-request.ts';

const CURRENCY = /^[A-Za-z]{3}$/;

/** imp[] of a bid request: each needs an id unique in the request and a format to serve. */
export function parseImps(f: JsonFields, request: Json): OpenRtbImp[] {
  const items = request.imp;
  if (items === undefined || items === null) {
    f.add('imp', 'required', 'imp is required');
    return [];
  }
  if (!Array.isArray(items)) {
    f.add('imp', 'type', 'imp must be an array');
    return [];
  }
  if (items.length === 0) f.add('imp', 'non-empty', 'imp must have at least one impression');
  const imps: OpenRtbImp[] = [];
  items.forEach((item, i) => {
    const path = `imp[${i}]`;
    if (!isJson(item)) f.add(path, 'type', `${path} must be an object`);
    else imps.push(parseImp(f, item, path));
  });
  const seen = new Set<string>();
  for (const imp of imps) {
    if (imp.id !== '' && seen.has(imp.id)) f.add('imp', 'unique', `imp ids must be unique (${imp.id} repeats)`);
    seen.add(imp.id);
  }
  return imps;
}

function parseImp(f: JsonFields, o: Json, path: string): OpenRtbImp {
  const id = f.requiredString(o, 'id', path);
  const bannerJson = f.object(o, 'banner', path);
  const videoJson = f.object(o, 'video', path);
  const audioJson = f.object(o, 'audio', path);
  const nativeJson = f.object(o, 'native', path);
  let banner = bannerJson && parseBanner(f, bannerJson, at(path, 'banner'));
  let video = videoJson && parseVideo(f, videoJson, at(path, 'video'));
  const audio = audioJson && parseAudio(f, audioJson, at(path, 'audio'));
  const native = nativeJson && parseNative(f, nativeJson, at(path, 'native'));
  // A banner without a size and a video without mimes offer nothing a bidder can fill. In a
  // multi-format imp they are dropped and the rest goes on; alone, the imp is refused.
  const bannerOffers =
    banner !== undefined && (banner.format.length > 0 || (banner.w !== undefined && banner.h !== undefined));
  const videoOffers = video !== undefined && video.mimes.length > 0;
  if (!bannerOffers && !videoOffers && !audio && !native) {
    f.add(
      path,
      'required',
      `${path} must offer a format: banner with a size or format, video with mimes, audio or native`,
    );
  } else {
    if (banner && !bannerOffers) {
      f.drop(at(path, 'banner'), 'required', `${at(path, 'banner')} must have a size or format`);
      banner = undefined;
    }
    if (video && !videoOffers) {
      f.drop(at(path, 'video'), 'required', `${at(path, 'video')} must have mimes`);
      video = undefined;
    }
  }
  return {
    id,
    ...(banner && { banner }),
    ...(video && { video }),
    ...(audio && { audio }),
    ...(native && { native }),
    bidfloor: f.number(o, 'bidfloor', path, NON_NEGATIVE) ?? 0,
    bidfloorcur: currency(f, o, path),
    ...optional('tagid', f.string(o, 'tagid', path)),
  };
}

/**
 * The floor's currency, upper-cased. Not an optional detail: a floor in a currency ingest
 * cannot read cannot be priced, so anything but a three-letter code refuses the request.
 */
function currency(f: JsonFields, o: Json, path: string): string {
  const v = o.bidfloorcur;
  const p = at(path, 'bidfloorcur');
  if (v === undefined || v === null) return 'USD';
  if (typeof v !== 'string' || !CURRENCY.test(v)) {
    f.add(p, 'format', `${p} must be an ISO-4217 code like USD`);
    return 'USD';
  }
  const upper = v.toUpperCase();
  if (upper !== v) f.normalize(p, 'format', `${p} must be an upper-case ISO-4217 code`);
  return upper;
}

function parseBanner(f: JsonFields, o: Json, path: string): OpenRtbBanner {
  const format: OpenRtbFormat[] = [];
  (f.array(o, 'format', path) ?? []).forEach((item, i) => {
    const p = `${path}.format[${i}]`;
    if (!isJson(item)) {
      f.drop(p, 'type', `${p} must be an object`);
      return;
    }
    const w = f.number(item, 'w', p, POSITIVE_INTEGER);
    const h = f.number(item, 'h', p, POSITIVE_INTEGER);
    // A format may give a ratio (wratio/hratio) instead of a size; only sizes are served.
    if (w !== undefined && h !== undefined) format.push({ w, h });
  });
  return {
    format,
    ...optional('w', f.number(o, 'w', path, POSITIVE_INTEGER)),
    ...optional('h', f.number(o, 'h', path, POSITIVE_INTEGER)),
    ...optional('pos', f.number(o, 'pos', path, NON_NEGATIVE_INTEGER)),
  };
}

function parseVideo(f: JsonFields, o: Json, path: string): OpenRtbVideo {
  return {
    mimes: f.strings(o, 'mimes', path),
    ...optional('minduration', f.number(o, 'minduration', path, NON_NEGATIVE_INTEGER)),
    ...optional('maxduration', f.number(o, 'maxduration', path, NON_NEGATIVE_INTEGER)),
    ...optional('w', f.number(o, 'w', path, NON_NEGATIVE_INTEGER)),
    ...optional('h', f.number(o, 'h', path, NON_NEGATIVE_INTEGER)),
    protocols: f.integers(o, 'protocols', path),
    ...optional('plcmt', f.number(o, 'plcmt', path, NON_NEGATIVE_INTEGER)),
  };
}

function parseAudio(f: JsonFields, o: Json, path: string): OpenRtbAudio {
  return {
    mimes: f.strings(o, 'mimes', path),
    ...optional('minduration', f.number(o, 'minduration', path, NON_NEGATIVE_INTEGER)),
    ...optional('maxduration', f.number(o, 'maxduration', path, NON_NEGATIVE_INTEGER)),
  };
}

/** OpenRTB 2.6 sends native.request as a JSON string; an object (as some 2.x senders do) is stringified. */
function parseNative(f: JsonFields, o: Json, path: string): OpenRtbNative {
  let request: string | undefined;
  if (isJson(o.request)) {
    f.normalize(at(path, 'request'), 'type', `${at(path, 'request')} must be a JSON string`);
    request = JSON.stringify(o.request);
  } else request = f.string(o, 'request', path);
  return { ...optional('request', request), ...optional('ver', f.string(o, 'ver', path)) };
}

/** `{ key: value }` when value is defined, else nothing: keeps absent fields absent. */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
