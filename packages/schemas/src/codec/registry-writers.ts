import type { SchemaJson } from '../avro/schema-json.ts';
import { CodecError } from './codec-error.ts';
import type { KnownWriters, WriterEntry } from './known-writers.ts';
import type { SchemaRegistry } from './schema-registry.ts';

/**
 * Confluent schema ids a reader has resolved to writer schemas. Lookups are asynchronous and
 * happen once per id (concurrent messages share one request); a failed lookup is forgotten so
 * that a later message asks again.
 */
export class RegistryWriters {
  readonly ids = new Map<number, WriterEntry>();
  readonly #pending = new Map<number, Promise<void>>();
  readonly #registry: SchemaRegistry | undefined;
  readonly #writers: KnownWriters;

  constructor(writers: KnownWriters, registry: SchemaRegistry | undefined) {
    this.#writers = writers;
    this.#registry = registry;
  }

  get hasRegistry(): boolean {
    return this.#registry !== undefined;
  }

  resolve(id: number): Promise<void> {
    if (this.ids.has(id) || !this.#registry) return Promise.resolve();
    let pending = this.#pending.get(id);
    if (!pending) {
      pending = this.#lookUp(this.#registry, id).finally(() => this.#pending.delete(id));
      this.#pending.set(id, pending);
    }
    return pending;
  }

  async #lookUp(registry: SchemaRegistry, id: number): Promise<void> {
    const text = await registryCall(() => registry.schemaById(id));
    if (text === undefined) return; // decode reports UNKNOWN_SCHEMA
    let entry: WriterEntry | undefined;
    try {
      entry = this.#writers.add(JSON.parse(text) as SchemaJson);
    } catch (error: unknown) {
      throw new CodecError('UNKNOWN_SCHEMA', `registry schema ${id} is not a valid Avro schema`, { cause: error });
    }
    if (entry) this.ids.set(id, entry);
  }
}

/** Runs a registry call; errors other than CodecError are transient: REGISTRY_UNAVAILABLE. */
export async function registryCall<R>(call: () => Promise<R>): Promise<R> {
  try {
    return await call();
  } catch (error: unknown) {
    if (error instanceof CodecError) throw error;
    throw new CodecError('REGISTRY_UNAVAILABLE', `schema registry: ${(error as Error).message}`, { cause: error });
  }
}
