import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createUserKeyer, isAnonymousUserKey } from './user-key.ts';

const SECRET = 'k'.repeat(32);
const keyOf = createUserKeyer(SECRET);

describe('user keys', () => {
  it('are a keyed HMAC of user.id: stable, and never the id itself', () => {
    const a = keyOf({ userId: 'exchange-user-8f2a', ifa: 'x' }, 'e1');
    expect(a).toEqual(keyOf({ userId: 'exchange-user-8f2a' }, 'e2'));
    expect(a.source).toBe('user');
    expect(a.key).not.toContain('8f2a');
    expect(keyOf({ userId: 'exchange-user-8f2b' }, 'e1').key).not.toBe(a.key);
  });

  it('are HMAC-SHA256 of the domain-prefixed id under the secret, base64url, 32 characters', () => {
    // Pinned to the HMAC computed here from the raw secret: keeping the key as a KeyObject
    // (for speed) must not re-key any user.
    const expected = createHmac('sha256', SECRET).update('user\u0000u-1').digest('base64url').slice(0, 32);
    expect(keyOf({ userId: 'u-1' }, 'e').key).toBe(`u1_${expected}`);
    const ifa = createHmac('sha256', SECRET).update('ifa\u0000i-1').digest('base64url').slice(0, 32);
    expect(keyOf({ ifa: 'i-1' }, 'e').key).toBe(`d1_${ifa}`);
  });

  it('depend on the secret: another secret re-keys every user', () => {
    const other = createUserKeyer('q'.repeat(32));
    expect(other({ userId: 'u' }, 'e').key).not.toBe(keyOf({ userId: 'u' }, 'e').key);
  });

  it('fall back to the device ifa, kept apart from a user id of the same text', () => {
    const device = keyOf({ ifa: '6d92078a-8246-4ba4-ae5b-76104861e7dc' }, 'e1');
    expect(device.source).toBe('device');
    expect(device.key).not.toBe(keyOf({ userId: '6d92078a-8246-4ba4-ae5b-76104861e7dc' }, 'e1').key);
  });

  it('are anonymous, keyed by the event, without an id or with an all-zero ifa', () => {
    expect(keyOf({}, 'e1')).toEqual({ key: 'anon_e1', source: 'anonymous' });
    expect(keyOf({ ifa: '00000000-0000-0000-0000-000000000000' }, 'e2')).toEqual({
      key: 'anon_e2',
      source: 'anonymous',
    });
    expect(keyOf({ userId: '' }, 'e3').source).toBe('anonymous');
    expect(isAnonymousUserKey(keyOf({}, 'e1').key)).toBe(true);
    expect(isAnonymousUserKey(keyOf({ userId: 'u' }, 'e1').key)).toBe(false);
  });

  it('refuse a short secret', () => {
    expect(() => createUserKeyer('short')).toThrow(/at least 32 bytes/);
  });
});
