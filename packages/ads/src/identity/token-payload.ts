import { MalformedTokenError } from './token-errors.ts';
import type { TrackingClaims } from './tracking-token.ts';

/**
 * The claims of a `t2` tracking token in bytes. A token is in every impression record five
 * times (the token, both URLs, and both again in the markup) and in every click URL; as
 * base64url JSON (`t1`) it was ~450 characters, two thirds of an impression's bytes. Ids of
 * the shapes this pipeline makes are written as bytes, and derived ones (an impression of its
 * event, an anonymous user of its event) as a flag; anything else is written as text, so
 * every claim round-trips exactly.
 *
 * Layout: a flags byte, then the event id (16 bytes if a UUID, else text), the impression id
 * (the part after `<event id>.` if derived, else text), campaign, ad, the user key (nothing if
 * anonymous, 24 bytes if a keyed hash, else text), the clearing price (varint), the
 * traceparent (25 bytes if version 00, else text) and the expiry (varint). Text is a varint
 * length and UTF-8.
 */
const EVENT_UUID = 1;
const IMPRESSION_OF_EVENT = 2;
const USER_SHIFT = 2;
const USER_MASK = 3 << USER_SHIFT;
const TRACEPARENT_00 = 16;
const KNOWN_FLAGS = EVENT_UUID | IMPRESSION_OF_EVENT | USER_MASK | TRACEPARENT_00;

/** How the user key is written: text, its event's anonymous key, or a keyed hash's 24 bytes. */
const UserForm = { Text: 0, Anonymous: 1, HashedUser: 2, HashedDevice: 3 } as const;
type UserForm = (typeof UserForm)[keyof typeof UserForm];
const HASHED_PREFIX: Readonly<Record<UserForm, string>> = { 0: '', 1: '', 2: 'u1_', 3: 'd1_' };

// Lower case only, as this pipeline writes them: the bytes must give back the same text.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;
/** user-key.ts: a prefix and 32 base64url characters, which are exactly 24 bytes. */
const HASHED_KEY = /^(u1|d1)_[A-Za-z0-9_-]{32}$/;

export function encodeClaims(claims: TrackingClaims): Buffer {
  const out = new ByteWriter();
  const { eventId, impressionId, userKey, traceparent } = claims;
  const eventUuid = UUID.test(eventId);
  const impressionOfEvent = impressionId.startsWith(`${eventId}.`);
  const userForm = userFormOf(userKey, eventId);
  const tp00 = TRACEPARENT.test(traceparent);
  out.byte(
    (eventUuid ? EVENT_UUID : 0) |
      (impressionOfEvent ? IMPRESSION_OF_EVENT : 0) |
      (userForm << USER_SHIFT) |
      (tp00 ? TRACEPARENT_00 : 0),
  );
  if (eventUuid) out.hex(eventId.replaceAll('-', ''));
  else out.text(eventId);
  out.text(impressionOfEvent ? impressionId.slice(eventId.length + 1) : impressionId);
  out.text(claims.campaignId);
  out.text(claims.adId);
  if (userForm === UserForm.Text) out.text(userKey);
  else if (userForm !== UserForm.Anonymous) out.bytes(Buffer.from(userKey.slice(3), 'base64url'));
  out.varint(claims.clearingPriceCpmMicros, 'clearingPriceCpmMicros');
  if (tp00) out.hex(traceparent.slice(3, 35) + traceparent.slice(36, 52) + traceparent.slice(53));
  else out.text(traceparent);
  out.varint(claims.expiresAtMs, 'expiresAtMs');
  return out.done();
}

/** Reached only with a valid signature: a failure is our own bug or a format we do not know. */
export function decodeClaims(payload: Buffer): TrackingClaims {
  const r = new ByteReader(payload);
  const flags = r.byte();
  if ((flags & ~KNOWN_FLAGS) !== 0) throw new MalformedTokenError(`unknown payload flags ${flags}`);
  const eventId = flags & EVENT_UUID ? uuidOf(r.hex(16)) : r.text();
  const impression = r.text();
  const impressionId = flags & IMPRESSION_OF_EVENT ? `${eventId}.${impression}` : impression;
  const campaignId = r.text();
  const adId = r.text();
  const userForm = ((flags & USER_MASK) >> USER_SHIFT) as UserForm;
  const userKey =
    userForm === UserForm.Text
      ? r.text()
      : userForm === UserForm.Anonymous
        ? `anon_${eventId}`
        : HASHED_PREFIX[userForm] + r.raw(24).toString('base64url');
  const clearingPriceCpmMicros = r.varint();
  const traceparent = flags & TRACEPARENT_00 ? traceparentOf(r.hex(25)) : r.text();
  const expiresAtMs = r.varint();
  r.end();
  return { impressionId, eventId, campaignId, adId, userKey, clearingPriceCpmMicros, traceparent, expiresAtMs };
}

function userFormOf(userKey: string, eventId: string): UserForm {
  if (userKey === `anon_${eventId}`) return UserForm.Anonymous;
  const hashed = HASHED_KEY.exec(userKey);
  if (!hashed) return UserForm.Text;
  return hashed[1] === 'u1' ? UserForm.HashedUser : UserForm.HashedDevice;
}

function uuidOf(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function traceparentOf(hex: string): string {
  return `00-${hex.slice(0, 32)}-${hex.slice(32, 48)}-${hex.slice(48)}`;
}

class ByteWriter {
  #buf = Buffer.allocUnsafe(256);
  #at = 0;

  byte(value: number): void {
    this.#room(1);
    this.#buf[this.#at++] = value;
  }

  bytes(bytes: Buffer): void {
    this.#room(bytes.length);
    this.#at += bytes.copy(this.#buf, this.#at);
  }

  hex(hex: string): void {
    this.#room(hex.length / 2);
    this.#at += this.#buf.write(hex, this.#at, 'hex');
  }

  text(value: string): void {
    const length = Buffer.byteLength(value);
    this.varint(length, 'text length');
    this.#room(length);
    this.#at += this.#buf.write(value, this.#at, 'utf8');
  }

  /** Unsigned LEB128 of a safe integer (arithmetic, not bit operations: past 2^31). */
  varint(value: number, name: string): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative safe integer`);
    this.#room(8);
    let rest = value;
    while (rest >= 0x80) {
      this.#buf[this.#at++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.#buf[this.#at++] = rest;
  }

  done(): Buffer {
    return this.#buf.subarray(0, this.#at);
  }

  #room(n: number): void {
    if (this.#at + n <= this.#buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.#buf.length, this.#at + n));
    this.#buf.copy(grown, 0, 0, this.#at);
    this.#buf = grown;
  }
}

class ByteReader {
  readonly #buf: Buffer;
  #at = 0;

  constructor(buf: Buffer) {
    this.#buf = buf;
  }

  byte(): number {
    return this.raw(1)[0]!;
  }

  raw(n: number): Buffer {
    if (this.#at + n > this.#buf.length) throw new MalformedTokenError('payload ends early');
    const out = this.#buf.subarray(this.#at, this.#at + n);
    this.#at += n;
    return out;
  }

  hex(n: number): string {
    return this.raw(n).toString('hex');
  }

  text(): string {
    return this.raw(this.varint()).toString('utf8');
  }

  varint(): number {
    let value = 0;
    // 8 groups of 7 bits hold every safe integer; more is not one of ours.
    for (let i = 0, scale = 1; i < 8; i++, scale *= 0x80) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (!Number.isSafeInteger(value)) break;
        return value;
      }
    }
    throw new MalformedTokenError('payload has a number out of range');
  }

  end(): void {
    if (this.#at !== this.#buf.length) throw new MalformedTokenError('payload has bytes past its claims');
  }
}
