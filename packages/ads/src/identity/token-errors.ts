/** Why a tracking token was refused; the click or conversion is dead-lettered with `code` and `reason`. */
export type TrackingTokenErrorCode = 'MALFORMED_TOKEN' | 'UNKNOWN_TOKEN_KEY' | 'FORGED_TOKEN' | 'EXPIRED_TOKEN';

export class TrackingTokenError extends Error {
  override readonly name: string = 'TrackingTokenError';
  readonly code: TrackingTokenErrorCode;
  /** For people reading dead letters: what was wrong, never the token or its claims. */
  readonly reason: string;
  /** A bad token stays bad. */
  readonly retriable = false;

  constructor(code: TrackingTokenErrorCode, reason: string) {
    super(`${code}: ${reason}`);
    this.code = code;
    this.reason = reason;
  }
}

/** Not a token of ours: wrong shape, encoding or payload. */
export class MalformedTokenError extends TrackingTokenError {
  override readonly name = 'MalformedTokenError';
  constructor(reason: string) {
    super('MALFORMED_TOKEN', reason);
  }
}

/** Signed with a key id we do not hold, or with a key retired since. */
export class UnknownTokenKeyError extends TrackingTokenError {
  override readonly name = 'UnknownTokenKeyError';
  readonly keyId: string;
  constructor(keyId: string, reason: string) {
    super('UNKNOWN_TOKEN_KEY', reason);
    this.keyId = keyId;
  }
}

/** The signature does not match the content: altered or made up. */
export class ForgedTokenError extends TrackingTokenError {
  override readonly name = 'ForgedTokenError';
  constructor(reason: string) {
    super('FORGED_TOKEN', reason);
  }
}

/** Genuine, but presented after its expiry. */
export class ExpiredTokenError extends TrackingTokenError {
  override readonly name = 'ExpiredTokenError';
  readonly expiresAtMs: number;
  constructor(expiresAtMs: number, nowMs: number) {
    super(
      'EXPIRED_TOKEN',
      `token expired at ${new Date(expiresAtMs).toISOString()}, ${nowMs - expiresAtMs} ms before it was presented`,
    );
    this.expiresAtMs = expiresAtMs;
  }
}
