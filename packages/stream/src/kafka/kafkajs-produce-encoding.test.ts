// Our kafkajs patch encodes Produce requests with fewer allocations and copies
// (patches/kafkajs@2.2.4.patch): every level written straight into the framed request's one
// buffer, headers written into their record, small varlongs without Long objects. The bytes must not change: this request's framed
// encoding is pinned to its SHA-256 under kafkajs's own code (taken before the change), and its
// record batch must decode back to what was sent. Produce v12 (transactions v2) carries the same
// record batches in the flexible encoding. Integration tests send both to a real broker, which
// checks every batch's CRC and layout.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it, vi } from 'vitest';

const require = createRequire(import.meta.url);
type Encoded = { buffer: Buffer; size(): number };
type Message = {
  key: string | Buffer | null;
  value: string | Buffer | null;
  timestamp: string;
  headers?: Record<string, string | Buffer | (string | Buffer)[]>;
};
const produce: (args: object) => {
  encode(): Promise<Encoded>;
} = require('kafkajs/src/protocol/requests/produce/v3/request.js');
const produceV12: typeof produce = require('kafkajs/src/protocol/requests/produce/v12/request.js');
const frame: (args: object) => Promise<Encoded> = require('kafkajs/src/protocol/request.js');
const Long: { fromInt(n: number): unknown } = require('kafkajs/src/utils/long');
const Decoder: new (b: Buffer) => unknown = require('kafkajs/src/protocol/decoder.js');
const decodeRecordBatch: (d: unknown) => Promise<{
  firstTimestamp: string;
  records: {
    offset: string;
    timestamp: string;
    key: Buffer | null;
    value: Buffer | null;
    headers: Record<string, Buffer | Buffer[]>;
  }[];
}> = require('kafkajs/src/protocol/recordBatch/v0/decoder.js');

/** Deterministic: every record has a timestamp (none falls back to the clock). */
function messages(count: number, salt: number): Message[] {
  return Array.from({ length: count }, (_, i) => ({
    key: i % 7 === 3 ? null : i % 5 === 0 ? Buffer.from([i, salt, 255, 0]) : `key-${salt}-${i}-é`,
    value: i % 11 === 4 ? null : Buffer.alloc(40 + ((i * 37) % 700), (i + salt) % 256),
    // Deltas from the first: negative, zero, past 2^31 ms, and varints of every length.
    timestamp: String(1_764_220_000_000 + (i === 9 ? 3_000_000_000 : i * (i % 3 === 0 ? -97 : 1031))),
    headers: {
      traceparent: `00-0af7651916cd43dd8448eb211c80319c-${String(i).padStart(16, '0')}-01`,
      'adtrace.event-id': `evt-${salt}-${i}`,
      ...(i % 4 === 0 && { repeated: ['a', Buffer.from('b€')] }),
      ...(i % 6 === 1 && { 'empty-€': '' }),
    },
  }));
}

const request = (build = produce) =>
  build({
    acks: -1,
    timeout: 30_000,
    transactionalId: 'adtrace-test-tx-0',
    producerId: Long.fromInt(4242),
    producerEpoch: 7,
    topicData: [
      {
        topic: 'adtrace.outcomes',
        partitions: [
          { partition: 0, firstSequence: 0, messages: messages(300, 1) },
          { partition: 2, firstSequence: 17, messages: messages(1, 2) },
        ],
      },
      { topic: 'adtrace.changelog-é', partitions: [{ partition: 1, firstSequence: 3, messages: messages(40, 3) }] },
    ],
  });

describe('the patched kafkajs Produce encoding', () => {
  it("writes kafkajs's own bytes", async () => {
    const framed = await frame({ correlationId: 12_345, clientId: 'adtrace-test-client', request: request() });
    expect(framed.buffer.length).toBe(framed.size());
    expect(createHash('sha256').update(framed.buffer).digest('hex')).toBe(GOLDEN_SHA256);
  });

  it("copies each record's bytes once, straight into the framed request", async () => {
    // Stock kafkajs built every level (record, batch body, batch, partition, topic, request,
    // frame) in a buffer of its own and copied it into the next: about eight times the request.
    // Now only the keys, values and header values given as buffers are copied in, once each, and
    // the two timestamp deltas past 2^31 ms, whose varlongs kafkajs builds apart (5 bytes each).
    const copy = vi.spyOn(Buffer.prototype, 'copy');
    try {
      const framed = await frame({ correlationId: 12_345, clientId: 'adtrace-test-client', request: request() });
      // Buffer#copy(target, targetStart, sourceStart = 0, sourceEnd = source.length)
      const copied = copy.mock.calls.reduce((sum, args, i) => {
        const [, , sourceStart, sourceEnd] = args as [Uint8Array, number?, number?, number?];
        const source = copy.mock.contexts[i] as Buffer;
        return sum + (sourceEnd ?? source.length) - (sourceStart ?? 0);
      }, 0);
      const given = [messages(300, 1), messages(1, 2), messages(40, 3)]
        .flat()
        .flatMap((m) => [m.key, m.value, ...Object.values(m.headers ?? {}).flat()])
        .reduce((sum, b) => sum + (Buffer.isBuffer(b) ? b.length : 0), 0);
      expect(framed.buffer.length).toBeGreaterThan(150_000);
      expect(copied).toBe(given + 10);
    } finally {
      copy.mockRestore();
    }
  });

  it("checksums batches with the native CRC-32C, equal to kafkajs's own tables on any view of a buffer", () => {
    const crc32C: ((b: Buffer) => number) & { native?: boolean } = require('kafkajs/src/protocol/recordBatch/crc32C');
    const tables: (b: Buffer) => number = require('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js');
    // @node-rs/crc32 ships prebuilt binaries for this machine's platform (pnpm-workspace.yaml).
    expect(crc32C.native).toBe(true);
    const bytes = createHash('sha512').update('adtrace').digest();
    const big = Buffer.concat(Array.from({ length: 64 }, () => bytes));
    for (const [start, end] of [
      [0, 0],
      [0, 1],
      [3, 11],
      [5, 64],
      [7, 1500],
      [0, big.length],
    ] as const) {
      const view = big.subarray(start, end);
      expect(crc32C(view)).toBe(tables(view) >>> 0);
    }
    expect(crc32C(Buffer.from('123456789'))).toBe(0xe3069283); // CRC-32C's check value (RFC 3720)
  });

  it('writes record batches that decode back to the records sent', async () => {
    const sent = messages(300, 1);
    const payload = (await request().encode()).buffer;
    // transactional_id, acks, timeout, then the first topic's name and its first partition.
    const transactionalIdLength = payload.readInt16BE(0);
    let at = 2 + transactionalIdLength + 2 + 4 + 4;
    at += 2 + payload.readInt16BE(at) + 4; // topic name, then the partitions array's length
    expect(payload.readInt32BE(at)).toBe(0); // partition
    const batchSize = payload.readInt32BE(at + 4);
    const batch = await decodeRecordBatch(new Decoder(payload.subarray(at + 8, at + 8 + batchSize)));
    expect(batch.records).toHaveLength(sent.length);
    for (const [i, record] of batch.records.entries()) {
      const m = sent[i] as Message;
      expect(record.offset).toBe(String(i));
      expect(record.timestamp).toBe(m.timestamp);
      expect(record.key === null ? null : Buffer.from(record.key)).toEqual(m.key === null ? null : Buffer.from(m.key));
      expect(record.value).toEqual(m.value);
      expect(String(record.headers.traceparent)).toBe(m.headers?.traceparent);
    }
  });

  it('writes Produce v12 (transactions v2) as v3 in the flexible encoding, record batches byte for byte', async () => {
    const v3 = (await request().encode()).buffer;
    const v12 = await request(produceV12).encode();
    expect(v12.buffer.length).toBe(v12.size()); // the sizes summed up front are the bytes written
    const batches = (payload: Buffer, flexible: boolean) => {
      let at = 0;
      const uvarint = () => {
        let value = 0;
        for (let shift = 0; ; shift += 7) {
          const byte = payload[at++] as number;
          value |= (byte & 0x7f) << shift;
          if (byte < 0x80) return value;
        }
      };
      const int = (bytes: 2 | 4) => {
        at += bytes;
        return bytes === 2 ? payload.readInt16BE(at - 2) : payload.readInt32BE(at - 4);
      };
      const length = () => (flexible ? uvarint() - 1 : int(4));
      const string = () => {
        const n = flexible ? uvarint() - 1 : int(2);
        at += Math.max(0, n);
        return n < 0 ? null : payload.toString('utf8', at - n, at);
      };
      const tags = () => flexible && expect(uvarint()).toBe(0);
      const out: { topic: string | null; partition: number; batch: Buffer }[] = [];
      tags(); // the request header's tagged fields
      expect(string()).toBe('adtrace-test-tx-0');
      at += 6; // acks, timeout
      for (let t = length(); t > 0; t--) {
        const topic = string();
        for (let p = length(); p > 0; p--) {
          const partition = int(4);
          const size = length();
          out.push({ topic, partition, batch: payload.subarray(at, at + size) });
          at += size;
          tags();
        }
        tags();
      }
      tags();
      expect(at).toBe(payload.length);
      return out;
    };
    const flexible = batches(v12.buffer, true);
    expect(flexible.map(({ topic, partition }) => `${topic}/${partition}`)).toEqual([
      'adtrace.outcomes/0',
      'adtrace.outcomes/2',
      'adtrace.changelog-é/1',
    ]);
    expect(flexible).toEqual(batches(v3, false));
    expect(flexible[0]!.batch.length).toBeGreaterThan(16_384); // a record set's length takes 3 varint bytes
  });
});

const GOLDEN_SHA256 = '65d18b6d91cdd91af2720adb3456093cfa392906eb93e28657836a986ca7d56c';
