import type { OpenRtbRequest } from '@adtrace/schemas';
import { describe, expect, it } from 'vitest';
import { reducePii } from './reduce-pii.ts';

const device: NonNullable<OpenRtbRequest['device']> = {
  ua: 'Mozilla/5.0',
  ip: '203.0.113.77',
  ipv6: '2001:db8:85a3:12ab:8a2e:370:7334:1',
  geo: {
    lat: 51.5072,
    lon: -0.1276,
    country: 'GBR',
    region: 'GB-LND',
    city: 'London',
    zip: 'EC1A 1BB',
    metro: '826044',
  },
  os: 'iOS',
  devicetype: 4,
  ifa: '6d92078a-8246-4ba4-ae5b-76104861e7dc',
};
const user: NonNullable<OpenRtbRequest['user']> = {
  id: 'exchange-user-8f2a',
  buyeruid: 'dsp-uid-77',
  yob: 1990,
  gender: 'F',
  eids: [{ source: 'id5-sync.com', uids: [{ id: 'ID5-abc' }] }],
};
const regs = { coppa: false, gpp_sid: [] };

describe('reducePii', () => {
  it("applies Prebid Server's rules and names each field and rule", () => {
    const reduced = reducePii({ device, user, regs }, 'user');
    expect(reduced.device).toEqual({
      ua: 'Mozilla/5.0',
      ip: '203.0.113.0',
      geo: {
        lat: 51.51,
        lon: -0.13,
        country: 'GBR',
        region: 'GB-LND',
        city: 'London',
        zip: 'EC1A 1BB',
        metro: '826044',
      },
      os: 'iOS',
      devicetype: 4,
    });
    expect(reduced.actions).toEqual([
      { field: 'user.id', action: 'hashed', rule: 'user_key_hmac' },
      { field: 'user.buyeruid', action: 'dropped', rule: 'user_id' },
      { field: 'user.eids', action: 'dropped', rule: 'user_id' },
      { field: 'user.yob', action: 'dropped', rule: 'demographics' },
      { field: 'user.gender', action: 'dropped', rule: 'demographics' },
      { field: 'device.ifa', action: 'dropped', rule: 'device_id' },
      { field: 'device.ip', action: 'truncated', rule: 'ipv4_to_24' },
      { field: 'device.ipv6', action: 'dropped', rule: 'not_carried' },
      { field: 'device.geo.lat', action: 'rounded', rule: 'geo_to_2_decimals' },
      { field: 'device.geo.lon', action: 'rounded', rule: 'geo_to_2_decimals' },
    ]);
  });

  it('never puts a value in the actions', () => {
    const text = JSON.stringify(reducePii({ device, user, regs }, 'user').actions);
    for (const value of ['203.0.113', '8f2a', 'dsp-uid', '1990', '6d92078a', '51.5', 'ID5'])
      expect(text).not.toContain(value);
  });

  it('truncates an IPv6-only device to /56', () => {
    const { ip: _, ...v6only } = device;
    const reduced = reducePii({ device: v6only, regs }, 'anonymous');
    expect(reduced.device?.ip).toBe('2001:db8:85a3:1200::');
    expect(reduced.actions).toContainEqual({ field: 'device.ipv6', action: 'truncated', rule: 'ipv6_to_56' });
  });

  it('reports the ifa as hashed when it made the user key, dropped otherwise', () => {
    expect(reducePii({ device, regs }, 'device').actions).toContainEqual({
      field: 'device.ifa',
      action: 'hashed',
      rule: 'user_key_hmac',
    });
    expect(reducePii({ device, user, regs }, 'anonymous').actions.slice(0, 1)).toEqual([
      { field: 'user.id', action: 'dropped', rule: 'user_id' },
    ]);
  });

  it('under COPPA also drops city, zip and metro', () => {
    const reduced = reducePii({ device, regs: { ...regs, coppa: true } }, 'anonymous');
    expect(reduced.device?.geo).toEqual({
      lat: 51.51,
      lon: -0.13,
      country: 'GBR',
      region: 'GB-LND',
      city: null,
      zip: null,
      metro: null,
    });
    expect(reduced.actions.filter((a) => a.rule === 'coppa_geo').map((a) => a.field)).toEqual([
      'device.geo.city',
      'device.geo.zip',
      'device.geo.metro',
    ]);
  });

  it('has nothing to do without device and user', () => {
    expect(reducePii({ regs }, 'anonymous')).toEqual({ device: null, actions: [] });
  });
});
