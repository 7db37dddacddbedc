import type { Device, Geo, OpenRtbRequest } from '@adtrace/schemas';
import type { UserKeySource } from '../identity/user-key.ts';
import { truncateIPv4, truncateIPv6 } from './ip-truncate.ts';

/** What PII reduction did to one field: the `ads.ingest.reduce_pii` span lists these. Names only. */
export interface PiiAction {
  /** OpenRTB path of the field: `device.ip`, `user.eids`. */
  readonly field: string;
  readonly action: 'dropped' | 'truncated' | 'hashed' | 'rounded';
  /** The rule that required it. */
  readonly rule: PiiRule;
}

export type PiiRule =
  | 'ipv4_to_24'
  | 'ipv6_to_56'
  | 'device_id'
  | 'user_id'
  | 'user_key_hmac'
  | 'demographics'
  | 'geo_to_2_decimals'
  | 'coppa_geo'
  | 'not_carried';

export interface ReducedPii {
  /** The device as BidRequest carries it, or null without one. */
  readonly device: Device | null;
  readonly actions: readonly PiiAction[];
}

/**
 * Prebid Server's privacy reduction, the definition of PII here: IPv4 to /24, IPv6 to /56;
 * device and user ids dropped (or hashed, when they made the user key); yob, gender and eids
 * dropped; lat/lon rounded to 2 decimals (about 1 km); under COPPA also city, zip and metro
 * dropped. `keySource` says which id, if any, the user key was made from.
 */
export function reducePii(
  request: Pick<OpenRtbRequest, 'device' | 'user' | 'regs' | 'site'>,
  keySource: UserKeySource,
): ReducedPii {
  const actions: PiiAction[] = [];
  const act = (field: string, action: PiiAction['action'], rule: PiiRule): void => {
    actions.push({ field, action, rule });
  };
  const { user, device, regs } = request;

  if (user?.id !== undefined)
    act('user.id', keySource === 'user' ? 'hashed' : 'dropped', keySource === 'user' ? 'user_key_hmac' : 'user_id');
  if (user?.buyeruid !== undefined) act('user.buyeruid', 'dropped', 'user_id');
  if (user?.eids !== undefined) act('user.eids', 'dropped', 'user_id');
  if (user?.yob !== undefined) act('user.yob', 'dropped', 'demographics');
  if (user?.gender !== undefined) act('user.gender', 'dropped', 'demographics');
  if (request.site?.ref !== undefined) act('site.ref', 'dropped', 'not_carried');
  if (!device) return { device: null, actions };

  if (device.ifa !== undefined) {
    act(
      'device.ifa',
      keySource === 'device' ? 'hashed' : 'dropped',
      keySource === 'device' ? 'user_key_hmac' : 'device_id',
    );
  }
  // BidRequest has one ip field: the IPv4 network when there is one, else the IPv6 one.
  let ip: string | null = null;
  if (device.ip !== undefined) {
    ip = truncateIPv4(device.ip) ?? null;
    act('device.ip', 'truncated', 'ipv4_to_24');
  }
  if (device.ipv6 !== undefined) {
    const v6 = truncateIPv6(device.ipv6) ?? null;
    if (ip === null) {
      ip = v6;
      act('device.ipv6', 'truncated', 'ipv6_to_56');
    } else act('device.ipv6', 'dropped', 'not_carried');
  }
  return {
    device: {
      ua: device.ua ?? null,
      ip,
      geo: device.geo ? reduceGeo(device.geo, regs.coppa, act) : null,
      os: device.os ?? null,
      devicetype: device.devicetype ?? null,
    },
    actions,
  };
}

function reduceGeo(
  geo: NonNullable<NonNullable<OpenRtbRequest['device']>['geo']>,
  coppa: boolean,
  act: (field: string, action: PiiAction['action'], rule: PiiRule) => void,
): Geo {
  const round = (field: 'lat' | 'lon'): number | null => {
    const v = geo[field];
    if (v === undefined) return null;
    act(`device.geo.${field}`, 'rounded', 'geo_to_2_decimals');
    return Math.round(v * 100) / 100;
  };
  const place = (field: 'city' | 'zip' | 'metro'): string | null => {
    const v = geo[field];
    if (v === undefined) return null;
    if (!coppa) return v;
    act(`device.geo.${field}`, 'dropped', 'coppa_geo');
    return null;
  };
  return {
    lat: round('lat'),
    lon: round('lon'),
    country: geo.country ?? null,
    region: geo.region ?? null,
    city: place('city'),
    zip: place('zip'),
    metro: place('metro'),
  };
}
