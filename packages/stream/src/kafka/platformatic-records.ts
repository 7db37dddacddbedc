import type { FetchedRecord, RecordHeaders } from './port.ts';

/** The record-batch fields this module reads (protocol/records.ts of @platformatic/kafka). */
export interface RawBatch {
  readonly firstOffset: bigint;
  readonly lastOffsetDelta: number;
  readonly firstTimestamp: bigint;
  readonly attributes: number;
  readonly producerId: bigint;
  readonly records: readonly {
    readonly timestampDelta: bigint;
    readonly offsetDelta: number;
    readonly key: Buffer | null;
    readonly value: Buffer | null;
    readonly headers: readonly (readonly [Buffer | null, Buffer | null])[];
  }[];
}

export interface AbortedTransaction {
  readonly producerId: bigint;
  readonly firstOffset: bigint;
}

const IS_TRANSACTIONAL = 0x10;
const IS_CONTROL = 0x20;
const ABORT_MARKER = 0;

export interface CommittedRecords {
  readonly records: FetchedRecord[];
  /** The offset after the last batch returned (markers and aborted records included). */
  readonly next: bigint | undefined;
}

/**
 * Read-committed filtering, done by the client as in the Java consumer (Fetcher): a fetch at
 * READ_COMMITTED stops at the last stable offset but still returns the records of aborted
 * transactions, listed in `abortedTransactions`; the client drops a transactional batch whose
 * producer has an abort pending, until that producer's ABORT marker. @platformatic/kafka 2.12.1
 * filters within one fetch response only: it keeps one aborted range per producer, and keeps
 * the records of an aborted transaction whose ABORT marker did not fit in the same response
 * (a partition's bytes are bounded), which would hand them to the handler. State per response
 * is enough: the broker lists, in every response, each aborted transaction overlapping the data
 * it returns, also one whose marker comes in a later response.
 */
export function committedRecords(
  batches: readonly RawBatch[],
  aborted: readonly AbortedTransaction[] | null,
  fetchOffset: bigint,
): CommittedRecords {
  const pending = [...(aborted ?? [])].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : 1));
  const abortedProducers = new Set<bigint>();
  const records: FetchedRecord[] = [];
  let next: bigint | undefined;
  for (const batch of batches) {
    const last = batch.firstOffset + BigInt(batch.lastOffsetDelta);
    next = last + 1n;
    while (pending.length > 0 && pending[0]!.firstOffset <= last) abortedProducers.add(pending.shift()!.producerId);
    if (batch.attributes & IS_CONTROL) {
      const marker = batch.records[0]?.key;
      if (marker && marker.length >= 4 && marker.readInt16BE(2) === ABORT_MARKER) {
        abortedProducers.delete(batch.producerId);
      }
      continue;
    }
    if (batch.attributes & IS_TRANSACTIONAL && abortedProducers.has(batch.producerId)) continue;
    for (const r of batch.records) {
      const offset = batch.firstOffset + BigInt(r.offsetDelta);
      if (offset < fetchOffset) continue;
      records.push({
        key: r.key,
        value: r.value,
        headers: headersOf(r.headers),
        offset: String(offset),
        timestamp: String(batch.firstTimestamp + r.timestampDelta),
      });
    }
  }
  return { records, next };
}

/** Header values as Buffers; a repeated name becomes an array, as kafkajs delivers it. */
function headersOf(entries: readonly (readonly [Buffer | null, Buffer | null])[]): RecordHeaders {
  const out: { [name: string]: Buffer | Buffer[] } = {};
  for (const [k, v] of entries) {
    if (!k) continue;
    const name = k.toString('utf8');
    const value = v ?? Buffer.alloc(0);
    const prior = out[name];
    out[name] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
  }
  return out;
}
