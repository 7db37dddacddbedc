import { isIPv4, isIPv6 } from 'node:net';
import { at, INTEGER, type Json, type JsonFields } from './json-fields.ts';
import type {
  OpenRtbApp,
  OpenRtbDevice,
  OpenRtbDooh,
  OpenRtbGeo,
  OpenRtbPublisher,
  OpenRtbRegs,
  OpenRtbSite,
  OpenRtbUser,
} from './openrtb-request.ts';
import { optional } from './parse-imp.ts';

// The objects around the impressions: where (site, app, dooh), who (device, user), and rules (regs).

function publisher(f: JsonFields, o: Json, path: string): { publisher?: OpenRtbPublisher } {
  const p = f.object(o, 'publisher', path);
  return p ? { publisher: optional('id', f.string(p, 'id', at(path, 'publisher'))) } : {};
}

export function parseSite(f: JsonFields, o: Json, path: string): OpenRtbSite {
  return {
    ...optional('id', f.string(o, 'id', path)),
    ...optional('domain', f.string(o, 'domain', path)),
    ...optional('page', f.string(o, 'page', path)),
    ...optional('ref', f.string(o, 'ref', path)),
    cat: f.strings(o, 'cat', path),
    ...publisher(f, o, path),
  };
}

export function parseApp(f: JsonFields, o: Json, path: string): OpenRtbApp {
  return {
    ...optional('id', f.string(o, 'id', path)),
    ...optional('bundle', f.string(o, 'bundle', path)),
    ...optional('domain', f.string(o, 'domain', path)),
    cat: f.strings(o, 'cat', path),
    ...publisher(f, o, path),
  };
}

export function parseDooh(f: JsonFields, o: Json, path: string): OpenRtbDooh {
  return {
    ...optional('id', f.string(o, 'id', path)),
    venuetype: f.strings(o, 'venuetype', path),
    ...optional('domain', f.string(o, 'domain', path)),
    ...publisher(f, o, path),
  };
}

export function parseDevice(f: JsonFields, o: Json, path: string): OpenRtbDevice {
  const geo = f.object(o, 'geo', path);
  return {
    ...optional('ua', f.string(o, 'ua', path)),
    ...addresses(f, o, path),
    ...(geo && { geo: parseGeo(f, geo, at(path, 'geo')) }),
    ...optional('os', f.string(o, 'os', path)),
    // Unknown device types are kept: receivers must tolerate new enum values.
    ...optional('devicetype', f.number(o, 'devicetype', path, INTEGER)),
    ...optional('ifa', f.string(o, 'ifa', path)),
  };
}

/** ip and ipv6: an address in the wrong field is moved (senders mix them up), a bad one dropped. */
function addresses(f: JsonFields, o: Json, path: string): { ip?: string; ipv6?: string } {
  let ip = f.string(o, 'ip', path);
  let ipv6 = f.string(o, 'ipv6', path);
  const ipPath = at(path, 'ip');
  const ipv6Path = at(path, 'ipv6');
  if (ip !== undefined && !isIPv4(ip)) {
    if (isIPv6(ip) && (ipv6 === undefined || !isIPv6(ipv6))) {
      f.normalize(ipPath, 'format', `${ipPath} must be an IPv4 address (an IPv6 address goes in ipv6)`);
      ipv6 = ip;
    } else f.drop(ipPath, 'format', `${ipPath} must be an IPv4 address`);
    ip = undefined;
  }
  if (ipv6 !== undefined && !isIPv6(ipv6)) {
    if (isIPv4(ipv6) && ip === undefined) {
      f.normalize(ipv6Path, 'format', `${ipv6Path} must be an IPv6 address (an IPv4 address goes in ip)`);
      ip = ipv6;
    } else f.drop(ipv6Path, 'format', `${ipv6Path} must be an IPv6 address`);
    ipv6 = undefined;
  }
  return { ...optional('ip', ip), ...optional('ipv6', ipv6) };
}

function parseGeo(f: JsonFields, o: Json, path: string): OpenRtbGeo {
  return {
    ...optional('lat', f.number(o, 'lat', path, { min: -90, max: 90, says: 'a latitude between -90 and 90' })),
    ...optional('lon', f.number(o, 'lon', path, { min: -180, max: 180, says: 'a longitude between -180 and 180' })),
    ...optional('country', f.string(o, 'country', path)),
    ...optional('region', f.string(o, 'region', path)),
    ...optional('city', f.string(o, 'city', path)),
    ...optional('zip', f.string(o, 'zip', path)),
    ...optional('metro', f.string(o, 'metro', path)),
  };
}

export function parseUser(f: JsonFields, o: Json, path: string): OpenRtbUser {
  const ext = f.object(o, 'ext', path);
  return {
    ...optional('id', f.string(o, 'id', path)),
    ...optional('buyeruid', f.string(o, 'buyeruid', path)),
    ...optional('yob', f.number(o, 'yob', path, INTEGER)),
    ...optional('gender', f.string(o, 'gender', path)),
    ...optional('eids', f.array(o, 'eids', path)),
    ...optional('consent', f.string(o, 'consent', path) ?? (ext && f.string(ext, 'consent', at(path, 'ext')))),
  };
}

/** regs, with OpenRTB 2.5's regs.ext.gdpr and regs.ext.us_privacy as fallbacks (still common). */
export function parseRegs(f: JsonFields, o: Json | undefined, path: string): OpenRtbRegs {
  if (!o) return { coppa: false, gpp_sid: [] };
  const ext = f.object(o, 'ext', path);
  const extPath = at(path, 'ext');
  return {
    coppa: f.flag(o, 'coppa', path) ?? false,
    ...optional('gdpr', f.flag(o, 'gdpr', path) ?? (ext && f.flag(ext, 'gdpr', extPath))),
    ...optional('us_privacy', f.string(o, 'us_privacy', path) ?? (ext && f.string(ext, 'us_privacy', extPath))),
    ...optional('gpp', f.string(o, 'gpp', path)),
    gpp_sid: f.integers(o, 'gpp_sid', path),
  };
}
