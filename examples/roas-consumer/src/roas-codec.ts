import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import avro from 'avsc';

/** One adtrace.roas record, as schemas/RoasWindow.avsc defines it (read it for each field's meaning). */
export interface RoasWindow {
  campaignId: string;
  windowStartMs: number;
  windowEndMs: number;
  impressions: number;
  clicks: number;
  conversions: number;
  spendMicros: number;
  revenueMicros: number;
  roas: number | null;
  observedCtr: number | null;
  predictedCtr: number | null;
  revision: number;
  final: boolean;
  completeThroughMs: number;
  emittedAtMs: number;
  generation: number;
  lateDropped: number;
  clickThroughConversions: number;
  viewThroughConversions: number;
  clickThroughRevenueMicros: number;
  viewThroughRevenueMicros: number;
  currency: string;
}

// Avro single-object encoding: C3 01, the writer schema's CRC-64-AVRO fingerprint (8 bytes,
// little-endian) of its Parsing Canonical Form, then the body.
const EMPTY = 0xc15d213aa4d7a795n;
const TABLE = Array.from({ length: 256 }, (_, i) => {
  let fp = BigInt(i);
  for (let j = 0; j < 8; j++) fp = (fp >> 1n) ^ (EMPTY & -(fp & 1n));
  return fp;
});

function fingerprint(type: avro.Type): string {
  let fp = EMPTY;
  // avsc's schema() with no options is the Parsing Canonical Form.
  for (const byte of Buffer.from(JSON.stringify(type.schema())))
    fp = (fp >> 8n) ^ TABLE[Number((fp ^ BigInt(byte)) & 0xffn)]!;
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(fp);
  return out.toString('hex');
}

const parse = (file: string) => avro.Type.forSchema(JSON.parse(readFileSync(file, 'utf8')), { wrapUnions: 'never' });

/**
 * Decodes adtrace.roas values with the published schema (`schemas/RoasWindow.avsc`) as the
 * reader, and every released version (`schemas/history/RoasWindow.v*.avsc`) as a possible
 * writer: a record written before a field existed reads with that field's default.
 */
export function createRoasDecoder(schemasDir: string): (value: Buffer) => RoasWindow {
  const reader = parse(join(schemasDir, 'RoasWindow.avsc'));
  // fingerprint → how to read a body of that writer (no resolver: the reader's own schema).
  const writers = new Map<string, { resolver?: avro.Resolver }>([[fingerprint(reader), {}]]);
  for (const file of readdirSync(join(schemasDir, 'history')).filter((f) => /^RoasWindow\.v\d+\.avsc$/.test(f))) {
    const writer = parse(join(schemasDir, 'history', file));
    const key = fingerprint(writer);
    if (!writers.has(key)) writers.set(key, { resolver: reader.createResolver(writer) });
  }
  return (value) => {
    if (value.length < 10 || value[0] !== 0xc3 || value[1] !== 0x01)
      throw new Error('not an Avro single-object message (no C3 01 marker)');
    const writer = writers.get(value.subarray(2, 10).toString('hex'));
    if (!writer) throw new Error(`written with an unknown RoasWindow schema ${value.subarray(2, 10).toString('hex')}`);
    return reader.fromBuffer(value.subarray(10), writer.resolver) as RoasWindow;
  };
}
