import type { StoreSpec } from './types.ts';

/** A store whose values are JSON: enough for counters, caps and small profiles. */
export function jsonStore<V>(): StoreSpec<V> {
  return {
    encode: (value) => Buffer.from(JSON.stringify(value)),
    decode: (bytes) => JSON.parse(bytes.toString('utf8')) as V,
  };
}
