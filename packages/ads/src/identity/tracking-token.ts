import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import { ExpiredTokenError, ForgedTokenError, MalformedTokenError, UnknownTokenKeyError } from './token-errors.ts';
import { decodeClaims, encodeClaims } from './token-payload.ts';

/** What an impression's tracking token vouches for; clicks and conversions present it back. */
export interface TrackingClaims {
  readonly impressionId: string;
  readonly eventId: string;
  readonly campaignId: string;
  readonly adId: string;
  readonly userKey: string;
  readonly clearingPriceCpmMicros: number;
  /** W3C traceparent of the impression, so that a click continues the event's trace. */
  readonly traceparent: string;
  readonly expiresAtMs: number;
}

export interface VerifiedClaims extends TrackingClaims {
  readonly keyId: string;
}

export interface TokenKey {
  /** Short id carried in each token: letters, digits, '_' or '-'. */
  readonly id: string;
  readonly secret: string | Uint8Array;
  /** After this instant the key no longer verifies (end of its rotation overlap); absent: no end. */
  readonly verifyUntilMs?: number;
}

export interface TokenKeyring {
  /** The key new tokens are signed with. */
  readonly signingKeyId: string;
  /** Every key that may still verify: the signing key and the ones it replaced. */
  readonly keys: readonly TokenKey[];
}

export interface TokenSigner {
  sign(claims: TrackingClaims): string;
  /** Throws MalformedTokenError, UnknownTokenKeyError, ForgedTokenError or ExpiredTokenError. */
  verify(token: string, nowMs: number): VerifiedClaims;
}

/** What sign() writes: claims in bytes (token-payload.ts), a 128-bit tag. */
const VERSION = 't2';
/** base64url JSON and a 256-bit tag: what tokens already in pages and emails hold; verified until they expire. */
const LEGACY_VERSION = 't1';
/**
 * HMAC-SHA256 cut to its first 128 bits in `t2`, as HMAC-SHA-256-128 does (RFC 4868; RFC 2104
 * section 5 allows truncation to half the hash): a forger still needs ~2^128 tries per token.
 */
const TAG_BYTES = { [VERSION]: 16, [LEGACY_VERSION]: 32 } as const;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const MIN_SECRET_BYTES = 32;
/** Tokens travel in URLs; anything longer is not one of ours. */
const MAX_TOKEN_CHARS = 4096;

// t1's short keys.
interface Wire {
  i: string;
  e: string;
  c: string;
  a: string;
  u: string;
  p: number;
  t: string;
  x: number;
  k: string;
}

/**
 * Signs and verifies tracking tokens: `t2.<key id>.<payload>.<tag>`, the claims in bytes
 * (token-payload.ts) and an HMAC-SHA256 tag of everything before the last dot, both base64url;
 * `t1` tokens (JSON claims, written before) still verify. Signing keys rotate: a new
 * key becomes the signing key, the old ones keep verifying until their `verifyUntilMs`, so
 * tokens already in pages and emails stay valid through their lifetime.
 */
export function createTokenSigner(keyring: TokenKeyring): TokenSigner {
  const keys = new Map<string, { secret: KeyObject; verifyUntilMs: number }>();
  for (const key of keyring.keys) {
    if (!KEY_ID.test(key.id)) throw new Error(`token key id ${JSON.stringify(key.id)} must match ${KEY_ID}`);
    if (keys.has(key.id)) throw new Error(`token key id ${key.id} is listed twice`);
    const secret = typeof key.secret === 'string' ? Buffer.from(key.secret, 'utf8') : Buffer.from(key.secret);
    if (secret.length < MIN_SECRET_BYTES)
      throw new Error(`token key ${key.id} must be at least ${MIN_SECRET_BYTES} bytes`);
    // A KeyObject made once: createHmac with raw key bytes builds one on every call (most of
    // its cost on Node 24; delivery signs a token per impression).
    keys.set(key.id, { secret: createSecretKey(secret), verifyUntilMs: key.verifyUntilMs ?? Number.POSITIVE_INFINITY });
  }
  const signing = keys.get(keyring.signingKeyId);
  if (!signing) throw new Error(`the signing key ${keyring.signingKeyId} is not in the keyring`);
  const mac = (secret: KeyObject, signed: string): Buffer => createHmac('sha256', secret).update(signed).digest();
  const signingPrefix = `${VERSION}.${keyring.signingKeyId}.`;

  return {
    sign(claims) {
      const signed = signingPrefix + encodeClaims(claims).toString('base64url');
      return `${signed}.${mac(signing.secret, signed).subarray(0, TAG_BYTES[VERSION]).toString('base64url')}`;
    },

    verify(token, nowMs) {
      if (token.length > MAX_TOKEN_CHARS)
        throw new MalformedTokenError(`token of ${token.length} characters is too long`);
      const parts = token.split('.');
      const version = parts[0];
      if (parts.length !== 4 || (version !== VERSION && version !== LEGACY_VERSION)) {
        throw new MalformedTokenError(`not a ${VERSION} or ${LEGACY_VERSION} token`);
      }
      const [, keyId, payload, signature] = parts as [typeof version, string, string, string];
      const key = keys.get(keyId);
      if (!key) throw new UnknownTokenKeyError(keyId, `no token key ${JSON.stringify(keyId.slice(0, 32))}`);
      if (nowMs > key.verifyUntilMs) {
        throw new UnknownTokenKeyError(
          keyId,
          `token key ${keyId} retired at ${new Date(key.verifyUntilMs).toISOString()}`,
        );
      }
      // Check the signature before reading anything the payload claims.
      const expected = mac(key.secret, `${version}.${keyId}.${payload}`).subarray(0, TAG_BYTES[version]);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new ForgedTokenError(`signature does not match the content for key ${keyId}`);
      }
      const claims =
        version === VERSION ? decodeClaims(Buffer.from(payload, 'base64url')) : legacyClaims(payload, keyId);
      if (nowMs > claims.expiresAtMs) throw new ExpiredTokenError(claims.expiresAtMs, nowMs);
      return { ...claims, keyId };
    },
  };
}

/** A `t1` payload's claims; it names its key inside too. */
function legacyClaims(payload: string, keyId: string): TrackingClaims {
  const wire = readWire(payload);
  if (wire.k !== keyId) throw new ForgedTokenError(`payload names key ${wire.k}, header names ${keyId}`);
  return {
    impressionId: wire.i,
    eventId: wire.e,
    campaignId: wire.c,
    adId: wire.a,
    userKey: wire.u,
    clearingPriceCpmMicros: wire.p,
    traceparent: wire.t,
    expiresAtMs: wire.x,
  };
}

// Reached only with a valid signature, so a failure here is our own bug or an old format.
function readWire(payload: string): Wire {
  let wire: unknown;
  try {
    wire = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new MalformedTokenError('payload is not base64url JSON');
  }
  const w = wire as Record<string, unknown>;
  const strings = ['i', 'e', 'c', 'a', 'u', 't', 'k'].every((k) => typeof w?.[k] === 'string');
  const numbers = ['p', 'x'].every((k) => Number.isSafeInteger(w?.[k]));
  if (!strings || !numbers) throw new MalformedTokenError('payload lacks a claim or has one of the wrong type');
  return w as unknown as Wire;
}
