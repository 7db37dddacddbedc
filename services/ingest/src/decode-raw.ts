import {
  type Codec,
  createCodec,
  isCodecError,
  type OpenRtbRequest,
  parseOpenRtbBidRequest,
  type RawBidRequest,
  RecordNames,
  ValidationError,
  validateOpenRtbBidRequest,
} from '@adtrace/schemas';
import { RejectedError } from '@adtrace/stream';

/** A validated raw request, and how upstream wrote it. */
export interface RawInput {
  readonly format: 'json' | 'avro';
  readonly request: OpenRtbRequest;
}

const SINGLE_OBJECT_MAGIC = [0xc3, 0x01] as const;
const OPEN_BRACE = 0x7b;
const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Reads one record of adtrace.bid-requests.raw: OpenRTB 2.6 JSON, or a single-object Avro
 * RawBidRequest, both held to the same OpenRTB rules. The first byte decides (JSON starts with
 * `{` after whitespace, Avro with C3 01), so the topic needs no header to say which. Anything
 * it refuses is a RejectedError whose reason names each broken field and rule; the runtime
 * dead-letters it.
 */
export function createRawDecoder(maxBytes: number): (bytes: Buffer) => RawInput {
  const avro: Codec<RawBidRequest> = createCodec(RecordNames.RawBidRequest, { maxBytes });
  return (bytes) => {
    const format = formatOf(bytes);
    try {
      if (format === 'json') return { format, request: parseOpenRtbBidRequest(bytes, { maxBytes }) };
      if (format === 'avro') return { format, request: validateOpenRtbBidRequest(avro.decode(bytes)) };
    } catch (error) {
      throw rejection(error);
    }
    throw new RejectedError('UNKNOWN_FORMAT', 'neither OpenRTB JSON nor a single-object Avro RawBidRequest');
  };
}

function formatOf(bytes: Buffer): 'json' | 'avro' | undefined {
  if (bytes[0] === SINGLE_OBJECT_MAGIC[0] && bytes[1] === SINGLE_OBJECT_MAGIC[1]) return 'avro';
  for (const b of bytes) {
    if (b === OPEN_BRACE) return 'json';
    if (!WHITESPACE.has(b)) return undefined;
  }
  return undefined;
}

/** The dead letter's code and a reason a person can act on: `imp [unique]: imp ids must be unique`. */
export function rejection(error: unknown): RejectedError {
  if (error instanceof ValidationError) {
    if (error.issues.length === 0) return new RejectedError(error.code, error.message, { cause: error });
    const issues = error.issues.map((i) => `${i.path || 'request'} [${i.rule}]: ${i.message}`).join('; ');
    return new RejectedError(error.code, `invalid OpenRTB bid request: ${issues}`, { cause: error });
  }
  if (isCodecError(error))
    return new RejectedError(error.code, `not a RawBidRequest: ${error.message}`, { cause: error });
  throw error;
}
