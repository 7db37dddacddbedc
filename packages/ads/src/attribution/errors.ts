// Typed errors of attribution. None is retryable: the same input fails the same way, so the
// service dead-letters the event (with the code as its reason) rather than retrying.

export type AttributionErrorCode = 'UNKNOWN_CURRENCY' | 'INVALID_VALUE' | 'INVALID_RATE';

export class AttributionError extends Error {
  override readonly name = 'AttributionError';
  readonly code: AttributionErrorCode;
  readonly retryable = false;

  constructor(code: AttributionErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export function isAttributionError(error: unknown): error is AttributionError {
  return error instanceof AttributionError;
}
