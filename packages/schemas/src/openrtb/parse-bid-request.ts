import { isJson, JsonFields, POSITIVE_INTEGER } from './json-fields.ts';
import type { OpenRtbRequest } from './openrtb-request.ts';
import { parseApp, parseDevice, parseDooh, parseRegs, parseSite, parseUser } from './parse-context.ts';
import { optional, parseImps } from './parse-imp.ts';
import { ValidationError } from './validation-error.ts';

export interface ParseOpenRtbOptions {
  /** Largest request accepted, in bytes of UTF-8 JSON; default 64 KiB. */
  readonly maxBytes?: number;
}

export const DEFAULT_OPENRTB_MAX_BYTES = 64 * 1024;

/**
 * Parses and validates an OpenRTB 2.6 bid request from the JSON bytes upstream wrote to
 * adtrace.bid-requests.raw. Tolerates unknown fields and extensions; reports every broken
 * rule at once. Throws ValidationError (TOO_LARGE, INVALID_JSON, INVALID_OPENRTB), never
 * anything else.
 */
export function parseOpenRtbBidRequest(input: string | Uint8Array, options: ParseOpenRtbOptions = {}): OpenRtbRequest {
  const maxBytes = options.maxBytes ?? DEFAULT_OPENRTB_MAX_BYTES;
  // A string's UTF-8 size is at most 3 bytes per UTF-16 unit; count exactly only near the limit.
  const size = typeof input === 'string' ? (input.length * 3 <= maxBytes ? 0 : Buffer.byteLength(input)) : input.length;
  if (size > maxBytes)
    throw new ValidationError('TOO_LARGE', `bid request of ${size} bytes is over the limit of ${maxBytes}`);
  let json: unknown;
  try {
    json = JSON.parse(
      typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.length).toString('utf8'),
    );
  } catch (error: unknown) {
    throw new ValidationError('INVALID_JSON', `bid request is not JSON: ${(error as Error).message}`, [], {
      cause: error,
    });
  }
  return validateOpenRtbBidRequest(json);
}

/** Validates an already parsed JSON value; see parseOpenRtbBidRequest. */
export function validateOpenRtbBidRequest(json: unknown): OpenRtbRequest {
  const f = new JsonFields();
  if (!isJson(json)) {
    f.add('', 'type', 'request must be a JSON object');
    throw ValidationError.fromIssues(f.issues);
  }
  const request = build(f, json);
  if (f.issues.length > 0) throw ValidationError.fromIssues(f.issues);
  return { ...request, fixes: f.fixes };
}

function build(f: JsonFields, o: Record<string, unknown>): Omit<OpenRtbRequest, 'fixes'> {
  const site = f.object(o, 'site', '');
  const app = f.object(o, 'app', '');
  const dooh = f.object(o, 'dooh', '');
  if ([site, app, dooh].filter(Boolean).length > 1) f.add('', 'exclusive', 'at most one of site, app, dooh');
  const device = f.object(o, 'device', '');
  const user = f.object(o, 'user', '');
  return {
    id: f.requiredString(o, 'id', ''),
    imp: parseImps(f, o),
    ...(site && { site: parseSite(f, site, 'site') }),
    ...(app && { app: parseApp(f, app, 'app') }),
    ...(dooh && { dooh: parseDooh(f, dooh, 'dooh') }),
    ...(device && { device: parseDevice(f, device, 'device') }),
    ...(user && { user: parseUser(f, user, 'user') }),
    regs: parseRegs(f, f.object(o, 'regs', ''), 'regs'),
    at: auctionType(f, o.at),
    test: f.flag(o, 'test', '') ?? false,
    ...optional('tmax', f.number(o, 'tmax', '', POSITIVE_INTEGER)),
    cur: f.strings(o, 'cur', ''),
    bcat: f.strings(o, 'bcat', ''),
    badv: f.strings(o, 'badv', ''),
  };
}

/** `at` decides the price, so an auction type we do not know refuses the request. */
function auctionType(f: JsonFields, at: unknown): 1 | 2 {
  if (at === undefined || at === null || at === 2) return 2;
  if (at === 1) return 1;
  f.add('at', typeof at === 'number' ? 'range' : 'type', 'at must be 1 (first price) or 2 (second price)');
  return 2;
}
