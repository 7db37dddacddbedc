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
