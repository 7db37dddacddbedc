// Avro single-object encode/decode of a realistic BidRequest against JSON.stringify/JSON.parse
// of the same object, in one run on one machine. Both sides go to and from bytes, as they do on
// Kafka: JSON pays for UTF-8 conversion, Avro for its 10-byte header and fingerprint check.
// Run: pnpm bench codec   (or: node bench/codec.bench.ts)
import { createCodec, RecordNames } from '@adtrace/schemas';
import { exampleBidRequest } from '@adtrace/schemas/testing';

export interface CodecBenchResult {
  readonly figures: Record<string, number>;
  readonly ratios: Record<string, number>;
  readonly table: string;
}

const ROUNDS = 15;
const ROUND_MS = 80;
let sink = 0; // results feed this so that the engine cannot drop the work

/** Calls per round so that one round of `fn` takes about ROUND_MS, after a warm-up. */
function calibrate(fn: () => number): number {
  const warmUntil = performance.now() + 300;
  while (performance.now() < warmUntil) for (let i = 0; i < 1000; i++) sink += fn();
  const t0 = performance.now();
  for (let i = 0; i < 1000; i++) sink += fn();
  return Math.max(1000, Math.round((1000 * ROUND_MS) / Math.max(performance.now() - t0, 0.01)));
}

function timeRound(fn: () => number, n: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink += fn();
  return Number(process.hrtime.bigint() - start) / n;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Times the Avro and JSON variants of one operation in alternating rounds, so that both see the
 * same machine load (this machine is shared), and returns median ns per call of each and the
 * median of the per-round ratios.
 */
function compare(avro: () => number, json: () => number): { avroNs: number; jsonNs: number; speedup: number } {
  const nAvro = calibrate(avro);
  const nJson = calibrate(json);
  const avroNs: number[] = [];
  const jsonNs: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    avroNs.push(timeRound(avro, nAvro));
    jsonNs.push(timeRound(json, nJson));
  }
  return { avroNs: median(avroNs), jsonNs: median(jsonNs), speedup: median(jsonNs.map((j, i) => j / avroNs[i]!)) };
}

const round = (x: number, digits = 2): number => Number(x.toFixed(digits));

export default async function run(): Promise<CodecBenchResult> {
  const codec = createCodec(RecordNames.BidRequest);
  const request = exampleBidRequest;
  const avroBytes = codec.encode(request);
  const jsonBytes = Buffer.from(JSON.stringify(request));
  // What an exchange would send: the same request without the nulls and empty defaults.
  const compactJsonBytes = Buffer.from(JSON.stringify(request, (_, v) => (v === null ? undefined : v)));
  if (JSON.stringify(codec.decode(avroBytes)) !== JSON.stringify(request)) throw new Error('Avro round trip differs');

  const encode = compare(
    () => codec.encode(request).length,
    () => Buffer.from(JSON.stringify(request)).length,
  );
  const decode = compare(
    () => codec.decode(avroBytes).imp.length,
    () => (JSON.parse(jsonBytes.toString('utf8')) as typeof request).imp.length,
  );
  const [avroEncodeNs, jsonEncodeNs] = [encode.avroNs, encode.jsonNs];
  const [avroDecodeNs, jsonDecodeNs] = [decode.avroNs, decode.jsonNs];

  const figures = {
    avro_encode_ns: round(avroEncodeNs, 0),
    avro_decode_ns: round(avroDecodeNs, 0),
    json_encode_ns: round(jsonEncodeNs, 0),
    json_decode_ns: round(jsonDecodeNs, 0),
    avro_bytes: avroBytes.length,
    json_bytes: jsonBytes.length,
    json_compact_bytes: compactJsonBytes.length,
  };
  const ratios = {
    decode_speedup_vs_json: round(decode.speedup),
    encode_speedup_vs_json: round(encode.speedup),
    size_ratio_vs_json: round(avroBytes.length / jsonBytes.length, 3),
    size_ratio_vs_compact_json: round(avroBytes.length / compactJsonBytes.length, 3),
  };
  const row = (name: string, enc: number, dec: number, bytes: number): string =>
    `${name.padEnd(22)}${`${Math.round(enc)}`.padStart(10)}${`${Math.round(dec)}`.padStart(10)}${`${bytes}`.padStart(8)}`;
  const table = [
    `BidRequest (${request.imp.length} imps), ns per call, median of ${ROUNDS} alternating Avro/JSON rounds`,
    `${'format'.padEnd(22)}${'encode'.padStart(10)}${'decode'.padStart(10)}${'bytes'.padStart(8)}`,
    row('avro single-object', avroEncodeNs, avroDecodeNs, avroBytes.length),
    row('json (same object)', jsonEncodeNs, jsonDecodeNs, jsonBytes.length),
    `${'json without nulls'.padEnd(42)}${`${compactJsonBytes.length}`.padStart(8)}`,
    `avro vs json: decode ${ratios.decode_speedup_vs_json}x faster, encode ${ratios.encode_speedup_vs_json}x faster, ` +
      `size ${ratios.size_ratio_vs_json}x (${ratios.size_ratio_vs_compact_json}x of json without nulls)`,
  ].join('\n');
  if (sink === 42) console.log(''); // keeps `sink` observable
  return { figures, ratios, table };
}

if (import.meta.main) {
  const result = await run();
  console.log(result.table);
  console.log(JSON.stringify({ bench: 'codec', figures: result.figures, ratios: result.ratios }));
}
