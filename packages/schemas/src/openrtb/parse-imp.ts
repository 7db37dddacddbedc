import {
  at,
  isJson,
  type Json,
  type JsonFields,
  NON_NEGATIVE,
  NON_NEGATIVE_INTEGER,
  POSITIVE_INTEGER,
} from './json-fields.ts';
import type { OpenRtbBanner, OpenRtbFormat, OpenRtbImp, OpenRtbVideo } from './openrtb-request.ts';

const CURRENCY = /^[A-Z]{3}$/;

/** imp[] of a bid request: each needs an id unique in the request and something to serve. */
export function parseImps(f: JsonFields, request: Json): OpenRtbImp[] {
  const items = f.array(request, 'imp', '');
  if (items === undefined) {
    if (request.imp === undefined || request.imp === null) f.add('imp', 'required', 'imp is required');
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
  const banner = f.object(o, 'banner', path);
  const video = f.object(o, 'video', path);
  const audio = f.object(o, 'audio', path) !== undefined;
  const native = f.object(o, 'native', path) !== undefined;
  if (!banner && !video && !audio && !native) {
    f.add(path, 'required', `${path} must have one of banner, video, audio, native`);
  }
  const bidfloorcur = f.string(o, 'bidfloorcur', path) ?? 'USD';
  if (!CURRENCY.test(bidfloorcur)) {
    f.add(at(path, 'bidfloorcur'), 'format', `${at(path, 'bidfloorcur')} must be an ISO-4217 code like USD`);
  }
  return {
    id: f.requiredString(o, 'id', path),
    ...(banner && { banner: parseBanner(f, banner, at(path, 'banner')) }),
    ...(video && { video: parseVideo(f, video, at(path, 'video')) }),
    audio,
    native,
    bidfloor: f.number(o, 'bidfloor', path, NON_NEGATIVE) ?? 0,
    bidfloorcur,
    ...optional('tagid', f.string(o, 'tagid', path)),
  };
}

function parseBanner(f: JsonFields, o: Json, path: string): OpenRtbBanner {
  const format: OpenRtbFormat[] = [];
  (f.array(o, 'format', path) ?? []).forEach((item, i) => {
    const p = `${path}.format[${i}]`;
    if (!isJson(item)) {
      f.add(p, 'type', `${p} must be an object`);
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

/** `{ key: value }` when value is defined, else nothing: keeps absent fields absent. */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
