import { describe, expect, it } from 'vitest';
import { currentSchemas } from '../generated/schemas.ts';
import { RecordNames } from '../generated/types.ts';
import { exampleRecords } from '../testing/index.ts';
import { createHttpSchemaRegistry } from './http-schema-registry.ts';
import { openCodec } from './record-codecs.ts';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

// A stand-in for fetch that answers like the Confluent REST API; no server runs in unit tests.
function fakeFetch(answer: (call: Call) => { status: number; body?: unknown }, calls: Call[]): typeof fetch {
  return (async (url: string, init: RequestInit = {}) => {
    const call = {
      url,
      method: init.method ?? 'GET',
      headers: init.headers as Record<string, string>,
      body: init.body ? JSON.parse(String(init.body)) : undefined,
    };
    calls.push(call);
    const { status, body } = answer(call);
    return new Response(body === undefined ? null : JSON.stringify(body), { status });
  }) as typeof fetch;
}

describe('createHttpSchemaRegistry', () => {
  it('registers under the subject and reads schemas by id, with basic auth from the URL', async () => {
    const calls: Call[] = [];
    const schemaText = JSON.stringify(currentSchemas.Alert);
    const fetch = fakeFetch(
      (c) => (c.method === 'POST' ? { status: 200, body: { id: 7 } } : { status: 200, body: { schema: schemaText } }),
      calls,
    );
    const registry = createHttpSchemaRegistry({ url: 'http://user:p%40ss@registry:8081/', fetch });
    expect(await registry.register('adtrace.alerts-value', schemaText)).toBe(7);
    expect(await registry.schemaById(7)).toBe(schemaText);
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'POST http://registry:8081/subjects/adtrace.alerts-value/versions',
      'GET http://registry:8081/schemas/ids/7',
    ]);
    expect(calls[0]!.body).toEqual({ schema: schemaText });
    expect(calls[0]!.headers.authorization).toBe(`Basic ${Buffer.from('user:p@ss').toString('base64')}`);
    expect(calls[0]!.headers['content-type']).toBe('application/vnd.schemaregistry.v1+json');
  });

  it('answers undefined for an unknown id', async () => {
    const registry = createHttpSchemaRegistry({
      url: 'http://r',
      fetch: fakeFetch(() => ({ status: 404, body: { error_code: 40403 } }), []),
    });
    expect(await registry.schemaById(99)).toBeUndefined();
  });

  it('makes a codec report 5xx as retriable and a rejected schema as not retriable', async () => {
    const down = createHttpSchemaRegistry({ url: 'http://r', fetch: fakeFetch(() => ({ status: 503 }), []) });
    await expect(openCodec(RecordNames.Alert, { registry: down })).rejects.toMatchObject({
      code: 'REGISTRY_UNAVAILABLE',
      retriable: true,
    });
    const rejecting = createHttpSchemaRegistry({
      url: 'http://r',
      fetch: fakeFetch(() => ({ status: 409, body: { error_code: 409, message: 'incompatible' } }), []),
    });
    await expect(openCodec(RecordNames.Alert, { registry: rejecting })).rejects.toMatchObject({
      code: 'REGISTRY_REJECTED',
      retriable: false,
    });
  });

  it('serves a Confluent codec end to end', async () => {
    const ids = new Map<number, string>();
    const fetch = fakeFetch((c) => {
      if (c.method === 'POST') {
        ids.set(1, (c.body as { schema: string }).schema);
        return { status: 200, body: { id: 1 } };
      }
      const id = Number(c.url.split('/').pop());
      return ids.has(id) ? { status: 200, body: { schema: ids.get(id) } } : { status: 404 };
    }, []);
    const codec = await openCodec(RecordNames.Alert, {
      registry: createHttpSchemaRegistry({ url: 'http://r', fetch }),
    });
    const bytes = codec.encode(exampleRecords.Alert);
    expect(bytes[0]).toBe(0);
    expect(await codec.decodeAsync(bytes)).toEqual(exampleRecords.Alert);
  });
});
