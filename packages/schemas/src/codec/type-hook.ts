import avro from 'avsc';
import { compileArrayWrite, compileUnionWrite } from './compiled-writes.ts';
import { readString, writeString } from './fast-strings.ts';
import {
  compileArrayRead,
  compileArraySkip,
  compileMapRead,
  compileMapSkip,
  compileUnionRead,
  readInt,
} from './guarded-reads.ts';

type Constructor = { prototype: object };

// avsc freezes type instances, so our methods live on a prototype between the instance and
// avsc's own; Reflect.construct builds the instance with it from the start.
function build(base: Constructor, args: unknown[], methods: object): avro.Type {
  function Derived(): void {}
  Derived.prototype = Object.assign(Object.create(base.prototype), methods);
  return Reflect.construct(base as never, args, Derived) as avro.Type;
}

// Ints and strings are leaves with no per-instance state: one shared prototype each.
function sharedPrototype(base: Constructor, methods: object): () => void {
  function Derived(): void {}
  Derived.prototype = Object.assign(Object.create(base.prototype), methods);
  return Derived;
}
const GuardedInt = sharedPrototype(avro.types.IntType, { _read: readInt });
const FastString = sharedPrototype(avro.types.StringType, { _read: readString, _write: writeString });

/**
 * The typeHook every codec parses with: guarded ints, arrays and maps, fast strings, and
 * unions that are always unwrapped (`T | null` in the generated types; avsc refuses an
 * ambiguous union). Anything else is avsc's own type.
 */
export function codecTypeHook(schema: unknown, opts: unknown): avro.Type | undefined {
  if (Array.isArray(schema)) {
    return build(avro.types.UnwrappedUnionType, [schema, opts], {
      _read: compileUnionRead(),
      _write: compileUnionWrite(),
    });
  }
  if (typeof schema !== 'object' || schema === null || 'logicalType' in schema) return undefined;
  switch ((schema as { type?: unknown }).type) {
    case 'array':
      return build(avro.types.ArrayType, [schema, opts], {
        _read: compileArrayRead(),
        _skip: compileArraySkip(),
        _write: compileArrayWrite(),
      });
    case 'map':
      return build(avro.types.MapType, [schema, opts], { _read: compileMapRead(), _skip: compileMapSkip() });
    // avsc asks for `{ "type": "int" }` after resolving the name "int".
    case 'int':
      return Reflect.construct(avro.types.IntType, [], GuardedInt) as avro.Type;
    case 'string':
      return Reflect.construct(avro.types.StringType, [], FastString) as avro.Type;
    default:
      return undefined;
  }
}
