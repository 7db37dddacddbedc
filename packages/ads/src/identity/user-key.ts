import { createHmac, createSecretKey } from 'node:crypto';

/** How a request's user key was made: from user.id, from the device's ifa, or neither. */
export type UserKeySource = 'user' | 'device' | 'anonymous';

export interface UserKey {
  readonly key: string;
  readonly source: UserKeySource;
}

/** Smallest HMAC secret accepted: below the hash's 32 bytes the key is the weak point. */
export const MIN_USER_KEY_SECRET_BYTES = 32;

// Limit Ad Tracking on iOS and opted-out Android devices send an all-zero advertising id:
// one id shared by millions of devices, so it identifies nobody and must not become one user.
const ZERO_IFA = /^[0-]+$/;

/**
 * Keys a request by a pseudonym: a keyed HMAC-SHA256 of `user.id`, else of the device's `ifa`,
 * so that the raw ids never travel and nobody without the secret can link a key back to them.
 * Changing the secret re-keys every user (profiles, caps and attribution start over): a
 * migration, not a rotation. A request with neither id is anonymous, keyed by its event id, so
 * that its records still spread over partitions and never share state with another request.
 */
export function createUserKeyer(secret: string | Uint8Array): (ids: UserIds, eventId: string) => UserKey {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (bytes.length < MIN_USER_KEY_SECRET_BYTES) {
    throw new Error(`the user key secret must be at least ${MIN_USER_KEY_SECRET_BYTES} bytes, got ${bytes.length}`);
  }
  // A KeyObject made once: createHmac with raw key bytes builds one on every call (~13 of its
  // ~15 µs on Node 24, once per request in ingest).
  const key = createSecretKey(bytes);
  // A domain prefix keeps a user id and an ifa of the same text apart.
  const hmac = (domain: string, id: string): string =>
    createHmac('sha256', key).update(`${domain}\u0000${id}`).digest('base64url').slice(0, 32);
  return (ids, eventId) => {
    if (ids.userId) return { key: `u1_${hmac('user', ids.userId)}`, source: 'user' };
    if (ids.ifa && !ZERO_IFA.test(ids.ifa)) return { key: `d1_${hmac('ifa', ids.ifa)}`, source: 'device' };
    return anonymousUserKey(eventId);
  };
}

export interface UserIds {
  readonly userId?: string | undefined;
  readonly ifa?: string | undefined;
}

/** The key of a request without a usable id, or one that may not be profiled: its own event. */
export function anonymousUserKey(eventId: string): UserKey {
  return { key: `anon_${eventId}`, source: 'anonymous' };
}

export function isAnonymousUserKey(key: string): boolean {
  return key.startsWith('anon_');
}
