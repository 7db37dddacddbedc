import { canonicalForm } from '../avro/canonical-form.ts';
import type { SchemaJson } from '../avro/schema-json.ts';

/**
 * What a codec needs from a Confluent-style schema registry. Implementations throw a
 * CodecError for answers that will not change on retry (a rejected schema) and any other
 * error for transient trouble, which codecs report as retriable REGISTRY_UNAVAILABLE.
 */
export interface SchemaRegistry {
  /** Registers `schema` (Avro JSON text) under `subject`, or finds it, and returns its global id. */
  register(subject: string, schema: string): Promise<number>;
  /** The schema text with this id, or undefined when the registry has no such id. */
  schemaById(id: number): Promise<string | undefined>;
}

/**
 * A registry in memory, for tests and for single-process runs. Like Confluent's, it gives a
 * schema the same id under every subject and dedupes by canonical form.
 */
export class InMemorySchemaRegistry implements SchemaRegistry {
  readonly #byId = new Map<number, string>();
  readonly #idByCanonical = new Map<string, number>();
  readonly #subjects = new Map<string, number[]>();

  async register(subject: string, schema: string): Promise<number> {
    const canonical = canonicalForm(JSON.parse(schema) as SchemaJson);
    let id = this.#idByCanonical.get(canonical);
    if (id === undefined) {
      id = this.#byId.size + 1;
      this.#byId.set(id, schema);
      this.#idByCanonical.set(canonical, id);
    }
    const versions = this.#subjects.get(subject) ?? [];
    if (!versions.includes(id)) versions.push(id);
    this.#subjects.set(subject, versions);
    return id;
  }

  async schemaById(id: number): Promise<string | undefined> {
    return this.#byId.get(id);
  }

  /** Ids registered under a subject, oldest first. */
  versions(subject: string): readonly number[] {
    return this.#subjects.get(subject) ?? [];
  }
}
