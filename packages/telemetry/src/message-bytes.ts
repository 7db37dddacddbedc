type Bytes = Buffer | string | null | undefined;

export interface SizedMessage {
  readonly key?: Bytes;
  readonly value: Bytes;
  readonly headers?: Record<string, Bytes | Bytes[]>;
}

const size = (b: Bytes): number => (b == null ? 0 : typeof b === 'string' ? Buffer.byteLength(b) : b.byteLength);

/**
 * Bytes a message moves over Kafka as the cost model counts them: key + value + header names
 * and values. (Record framing and batch compression are ignored: list prices meter payload.)
 */
export function kafkaMessageBytes(message: SizedMessage): number {
  let total = size(message.key) + size(message.value);
  const headers = message.headers;
  for (const name in headers) {
    if (!Object.hasOwn(headers, name)) continue;
    const value = headers[name];
    total += Buffer.byteLength(name);
    if (Array.isArray(value)) for (const v of value) total += size(v);
    else total += size(value);
  }
  return total;
}
