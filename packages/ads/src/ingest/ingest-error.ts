/** Why ingest refused a request that passed OpenRTB validation; it is dead-lettered with `code` and `reason`. */
export type IngestErrorCode = 'UNKNOWN_CURRENCY';

export class IngestError extends Error {
  override readonly name = 'IngestError';
  readonly code: IngestErrorCode;
  /** The field, as an OpenRTB path: `imp[0].bidfloorcur`. */
  readonly field: string;
  readonly reason: string;
  /** The same request fails the same way: never retried. */
  readonly retriable = false;

  constructor(code: IngestErrorCode, field: string, reason: string) {
    super(`${code}: ${reason}`);
    this.code = code;
    this.field = field;
    this.reason = reason;
  }
}
