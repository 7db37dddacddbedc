import { isIPv6 } from 'node:net';
import { describe, expect, it } from 'vitest';
import { truncateIPv4, truncateIPv6, truncateIp } from './ip-truncate.ts';

describe('IP truncation', () => {
  it('keeps the /24 of an IPv4 address', () => {
    expect(truncateIPv4('203.0.113.77')).toBe('203.0.113.0');
    expect(truncateIPv4('10.1.2.255')).toBe('10.1.2.0');
    expect(truncateIPv4('2001:db8::1')).toBeUndefined();
  });

  it.each([
    ['2001:db8:85a3:12ab:8a2e:370:7334:1', '2001:db8:85a3:1200::'],
    ['2001:0db8:0000:00ff:ffff:ffff:ffff:ffff', '2001:db8::'],
    ['::1', '::'],
    ['fe80::1%eth0', 'fe80::'],
    ['2001:db8:1:2:3:4:192.0.2.1', '2001:db8:1::'],
    ['::ffff:192.0.2.1', '::'],
  ])('keeps the /56 of %s', (ip, expected) => {
    const out = truncateIPv6(ip);
    expect(out).toBe(expected);
    expect(isIPv6(out!)).toBe(true);
  });

  it('zeroes exactly the last 72 bits', () => {
    expect(truncateIPv6('2001:db8:85a3:12ff:ffff:ffff:ffff:ffff')).toBe('2001:db8:85a3:1200::');
    expect(truncateIPv6('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toBe('ffff:ffff:ffff:ff00::');
  });

  it('refuses text that is not an address', () => {
    expect(truncateIp('')).toBeUndefined();
    expect(truncateIp('999.1.1.1')).toBeUndefined();
    expect(truncateIp('localhost')).toBeUndefined();
    expect(truncateIp('203.0.113.77')).toBe('203.0.113.0');
  });
});
