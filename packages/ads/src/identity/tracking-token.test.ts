import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ExpiredTokenError, ForgedTokenError, MalformedTokenError, UnknownTokenKeyError } from './token-errors.ts';
import { createTokenSigner, type TrackingClaims } from './tracking-token.ts';

const T0 = Date.UTC(2026, 10, 26);
const HOUR = 3_600_000;
const claims: TrackingClaims = {
  impressionId: '0b7f0f5e-1c2d-8e3f-9a4b-5c6d7e8f9a0b.1',
  eventId: '0b7f0f5e-1c2d-8e3f-9a4b-5c6d7e8f9a0b',
  campaignId: 'cmp-42',
  adId: 'ad-42-1',
  userKey: 'u1_abc',
  clearingPriceCpmMicros: 7_200_001,
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  expiresAtMs: T0 + 30 * 24 * HOUR,
};
const k1 = { id: 'k1', secret: 'a'.repeat(32) };
/** `claims` signed with k1 by the t1 signer (base64url JSON, the full HMAC), before t2. */
const T1_TOKEN =
  't1.k1.eyJpIjoiMGI3ZjBmNWUtMWMyZC04ZTNmLTlhNGItNWM2ZDdlOGY5YTBiLjEiLCJlIjoiMGI3ZjBmNWUtMWMyZC04ZTNmLTlhNGItNWM2ZDdlOGY5YTBiIiwiYyI6ImNtcC00MiIsImEiOiJhZC00Mi0xIiwidSI6InUxX2FiYyIsInAiOjcyMDAwMDEsInQiOiIwMC00YmY5MmYzNTc3YjM0ZGE2YTNjZTkyOWQwZTBlNDczNi0wMGYwNjdhYTBiYTkwMmI3LTAxIiwieCI6MTc5ODI0MzIwMDAwMCwiayI6ImsxIn0.BNX0D6nbJaEcjNQq1w6IYyqdLqcvoF-0E3ys5EcE2Iw';
const k2 = { id: 'k2', secret: 'b'.repeat(32) };

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error: unknown) {
    return error;
  }
  throw new Error('expected an error');
}

describe('tracking tokens', () => {
  const signer = createTokenSigner({ signingKeyId: 'k1', keys: [k1] });

  it('verify to the claims they were signed with, and the key id', () => {
    const token = signer.sign(claims);
    expect(token.split('.').slice(0, 2)).toEqual(['t2', 'k1']);
    expect(signer.verify(token, T0)).toEqual({ ...claims, keyId: 'k1' });
  });

  it('are signed with the first 128 bits of HMAC-SHA256 of everything before the last dot', () => {
    // Pinned to the HMAC computed here from the raw secret: the signer's KeyObject changes nothing.
    const token = signer.sign(claims);
    const cut = token.lastIndexOf('.');
    const hmac = createHmac('sha256', k1.secret).update(token.slice(0, cut)).digest();
    expect(token.slice(cut + 1)).toBe(hmac.subarray(0, 16).toString('base64url'));
  });

  it('are short: an impression with a hashed user key in 160 characters (t1: 397)', () => {
    // Five copies of the token go in every impression record (token, two URLs, the markup's two).
    const token = signer.sign({ ...claims, userKey: `u1_${'Q'.repeat(32)}`, clearingPriceCpmMicros: 40_823_437 });
    expect(token.length).toBeLessThanOrEqual(160);
    expect(signer.sign({ ...claims, userKey: `anon_${claims.eventId}` }).length).toBeLessThanOrEqual(130);
  });

  it('refuse an altered payload as forged', () => {
    const [v, k, payload, sig] = signer.sign(claims).split('.') as [string, string, string, string];
    const altered = Buffer.from(payload, 'base64url');
    altered[altered.length - 2]! ^= 1;
    const forged = [v, k, altered.toString('base64url'), sig].join('.');
    const error = errorOf(() => signer.verify(forged, T0));
    expect(error).toBeInstanceOf(ForgedTokenError);
    expect(error).toMatchObject({ code: 'FORGED_TOKEN', reason: expect.stringContaining('signature') });
  });

  it('verify t1 tokens, which pages and emails already hold, until they expire', () => {
    expect(signer.verify(T1_TOKEN, T0)).toEqual({ ...claims, keyId: 'k1' });
    expect(errorOf(() => signer.verify(T1_TOKEN, claims.expiresAtMs + 1))).toBeInstanceOf(ExpiredTokenError);
    const [v, k, payload, sig] = T1_TOKEN.split('.') as [string, string, string, string];
    const altered = JSON.parse(Buffer.from(payload, 'base64url').toString());
    altered.p = 99_000_000;
    const forged = [v, k, Buffer.from(JSON.stringify(altered)).toString('base64url'), sig].join('.');
    expect(errorOf(() => signer.verify(forged, T0))).toBeInstanceOf(ForgedTokenError);
    // A t1 tag cut to 128 bits, or a t2 one given in full, is neither format's.
    const t1Cut = [v, k, payload, Buffer.from(sig, 'base64url').subarray(0, 16).toString('base64url')].join('.');
    expect(errorOf(() => signer.verify(t1Cut, T0))).toBeInstanceOf(ForgedTokenError);
    const t2 = signer.sign(claims);
    const t2Full = `${t2.slice(0, t2.lastIndexOf('.'))}.${createHmac('sha256', k1.secret)
      .update(t2.slice(0, t2.lastIndexOf('.')))
      .digest('base64url')}`;
    expect(errorOf(() => signer.verify(t2Full, T0))).toBeInstanceOf(ForgedTokenError);
  });

  it('refuse a signed payload that is not claims as malformed', () => {
    // Only the holder of a key can get this far; the parser must still fail cleanly.
    const [, , payload] = signer.sign(claims).split('.') as [string, string, string, string];
    const bytes = Buffer.from(payload, 'base64url');
    const signed = (b: Buffer) => {
      const head = `t2.k1.${b.toString('base64url')}`;
      return `${head}.${createHmac('sha256', k1.secret).update(head).digest().subarray(0, 16).toString('base64url')}`;
    };
    for (const bad of [
      bytes.subarray(0, bytes.length - 1),
      Buffer.concat([bytes, Buffer.from([0])]),
      Buffer.concat([Buffer.from([bytes[0]! | 0x80]), bytes.subarray(1)]),
      Buffer.alloc(0),
      Buffer.from([0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]),
    ]) {
      expect(errorOf(() => signer.verify(signed(bad), T0))).toBeInstanceOf(MalformedTokenError);
    }
  });

  it('refuse a token signed with another secret under our key id as forged', () => {
    const impostor = createTokenSigner({ signingKeyId: 'k1', keys: [{ id: 'k1', secret: 'z'.repeat(32) }] });
    expect(errorOf(() => signer.verify(impostor.sign(claims), T0))).toBeInstanceOf(ForgedTokenError);
  });

  it('refuse an expired token, with when it expired', () => {
    const error = errorOf(() => signer.verify(signer.sign(claims), claims.expiresAtMs + 1));
    expect(error).toBeInstanceOf(ExpiredTokenError);
    expect(error).toMatchObject({ code: 'EXPIRED_TOKEN', expiresAtMs: claims.expiresAtMs });
    expect(signer.verify(signer.sign(claims), claims.expiresAtMs).eventId).toBe(claims.eventId);
  });

  it('refuse an unknown key id', () => {
    const other = createTokenSigner({ signingKeyId: 'k9', keys: [{ id: 'k9', secret: 'c'.repeat(32) }] });
    const error = errorOf(() => signer.verify(other.sign(claims), T0));
    expect(error).toBeInstanceOf(UnknownTokenKeyError);
    expect(error).toMatchObject({ code: 'UNKNOWN_TOKEN_KEY', keyId: 'k9' });
  });

  it.each([
    ['garbage'],
    ['t1.k1.x'],
    ['t2.k1.x'],
    ['t0.k1.e30.sig'],
    ['t1.k1.!!!.sig'],
    ['t2.k1.!!!.sig'],
    ['t2.k1.e30.' + 'A'.repeat(5000)],
  ])('refuse %s as malformed or forged, never with another error', (token) => {
    const error = errorOf(() => signer.verify(token, T0));
    expect(error instanceof MalformedTokenError || error instanceof ForgedTokenError).toBe(true);
  });

  it('rotate: old tokens verify until the old key retires, new tokens use the new key', () => {
    const old = signer.sign(claims);
    const rotated = createTokenSigner({ signingKeyId: 'k2', keys: [k2, { ...k1, verifyUntilMs: T0 + HOUR }] });
    expect(rotated.verify(old, T0).keyId).toBe('k1');
    const fresh = rotated.sign(claims);
    expect(rotated.verify(fresh, T0).keyId).toBe('k2');
    // The old signer cannot read tokens of a key it never had.
    expect(errorOf(() => signer.verify(fresh, T0))).toBeInstanceOf(UnknownTokenKeyError);
    const retired = errorOf(() => rotated.verify(old, T0 + HOUR + 1));
    expect(retired).toBeInstanceOf(UnknownTokenKeyError);
    expect(retired).toMatchObject({ reason: expect.stringContaining('retired') });
  });

  it('refuse a bad keyring at start-up', () => {
    expect(() => createTokenSigner({ signingKeyId: 'k2', keys: [k1] })).toThrow(/signing key k2/);
    expect(() => createTokenSigner({ signingKeyId: 'k1', keys: [{ id: 'k1', secret: 'short' }] })).toThrow(/32 bytes/);
    expect(() => createTokenSigner({ signingKeyId: 'k.1', keys: [{ id: 'k.1', secret: 'a'.repeat(32) }] })).toThrow(
      /must match/,
    );
  });
});
