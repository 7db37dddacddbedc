import { RejectedError } from '../../src/index.ts';

export interface Payload {
  readonly i: number;
  readonly poison?: 'reject';
  readonly count?: number;
  readonly by?: readonly string[];
}

/** JSON with a code on failure, as a real codec reports TRUNCATED or BAD_MAGIC. */
export const payloadCodec = {
  decode(bytes: Buffer): Payload {
    try {
      return JSON.parse(bytes.toString('utf8')) as Payload;
    } catch (error) {
      throw Object.assign(new Error(`not JSON: ${String(error)}`), { code: 'BAD_JSON' });
    }
  },
  encode: (value: Payload): Buffer => Buffer.from(JSON.stringify(value)),
};

/** The test hop's handler: tags the payload with the hop name; `poison: reject` is refused. */
export function tag(name: string, value: Payload, count?: number): Payload {
  if (value.poison === 'reject') throw new RejectedError('POLICY', `payload ${value.i} refused by policy`);
  return { ...value, by: [...(value.by ?? []), name], ...(count === undefined ? {} : { count }) };
}
