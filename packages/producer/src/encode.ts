// The two encodings ingest accepts on adtrace.bid-requests.raw. Both are checked here by the
// rules ingest applies, so a producer learns of a broken request when it sends it, not from a
// dead letter later (skippable, to test ingest's dead letters on purpose).
import {
  type Codec,
  createCodec,
  parseOpenRtbBidRequest,
  type RawBidRequest,
  RecordNames,
  validateOpenRtbBidRequest,
} from '@adtrace/schemas';

/** An OpenRTB 2.6 bid request as JSON; fields the pipeline does not read are carried as they are. */
export interface OpenRtbJson {
  readonly id: string;
  readonly imp: readonly Readonly<Record<string, unknown>>[];
  readonly [field: string]: unknown;
}

/** One request to send: OpenRTB JSON or an Avro RawBidRequest, and optionally the caller's trace. */
export type BidRequestMessage =
  | { readonly json: OpenRtbJson; readonly avro?: undefined; readonly traceparent?: string }
  | { readonly avro: RawBidRequest; readonly json?: undefined; readonly traceparent?: string };

let rawCodec: Codec<RawBidRequest> | undefined;

/** UTF-8 JSON; throws a ValidationError naming each broken field and rule when `validate`. */
export function encodeOpenRtbJson(request: OpenRtbJson, validate = true): Buffer {
  const bytes = Buffer.from(JSON.stringify(request), 'utf8');
  if (validate) parseOpenRtbBidRequest(bytes);
  return bytes;
}

/** Single-object Avro (C3 01 + schema fingerprint + body): ingest reads it without a registry. */
export function encodeRawBidRequest(request: RawBidRequest, validate = true): Buffer {
  rawCodec ??= createCodec(RecordNames.RawBidRequest);
  const bytes = rawCodec.encode(request);
  if (validate) validateOpenRtbBidRequest(request);
  return bytes;
}

/** The request id (the record's key) and bytes of a message. */
export function encodeMessage(message: BidRequestMessage, validate = true): { id: string; value: Buffer } {
  if (message.avro) return { id: message.avro.id, value: encodeRawBidRequest(message.avro, validate) };
  if (message.json) return { id: message.json.id, value: encodeOpenRtbJson(message.json, validate) };
  throw new Error('a bid request message needs json or avro');
}
