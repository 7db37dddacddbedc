/**
 * Why bytes could not become a record, or a record could not become bytes. The stream runtime
 * dead-letters a non-retriable CodecError with `code` as the reason and retries a retriable one
 * (the schema registry was unreachable: the bytes may be fine).
 */
export type CodecErrorCode =
  /** Fewer bytes than the header or the body needs. */
  | 'TRUNCATED'
  /** The first bytes are neither the single-object marker C3 01 nor the Confluent 00. */
  | 'BAD_MAGIC'
  /** The fingerprint or registry id names no writer schema this reader knows or can read. */
  | 'UNKNOWN_SCHEMA'
  /** The message is above the codec's size limit. */
  | 'TOO_LARGE'
  /** The body does not decode under the writer schema (bad union or enum index, bad counts, trailing bytes…). */
  | 'INVALID_BODY'
  /** encode() got a value that does not match the schema. */
  | 'INVALID_VALUE'
  /** The schema registry could not be reached or answered with an error; retriable. */
  | 'REGISTRY_UNAVAILABLE'
  /** The schema registry refused our schema (e.g. incompatible with the subject); not retriable. */
  | 'REGISTRY_REJECTED';

export class CodecError extends Error {
  override readonly name = 'CodecError';
  readonly code: CodecErrorCode;
  /** Whether trying again later may succeed; false means the input itself is bad. */
  readonly retriable: boolean;

  constructor(code: CodecErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.retriable = code === 'REGISTRY_UNAVAILABLE';
  }
}

export function isCodecError(error: unknown): error is CodecError {
  return error instanceof CodecError;
}
