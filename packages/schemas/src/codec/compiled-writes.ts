/**
 * Union and array writes compiled per type instance, for the same reason as the reads in
 * guarded-reads.ts: avsc's shared prototype methods call `_write` of every branch and item type
 * of every schema from one place, which V8 cannot inline. Behaviour is avsc's: a value that
 * fits no branch, or is not an array, throws.
 */
type Method = (this: never, tap: unknown, value: unknown) => void;

function compile(source: string): Method {
  return new Function(`return ${source}`)() as Method;
}

export function compileUnionWrite(): Method {
  return compile(`function writeUnion(tap, value) {
    const index = this._getIndex(value);
    if (index === undefined) throw new Error('invalid union value: ' + JSON.stringify(value));
    tap.writeLong(index);
    if (value !== null) this.types[index]._write(tap, value);
  }`);
}

export function compileArrayWrite(): Method {
  return compile(`function writeArray(tap, value) {
    if (!Array.isArray(value)) throw new Error('invalid array: ' + JSON.stringify(value));
    const items = this.itemsType;
    const n = value.length;
    if (n > 0) {
      tap.writeLong(n);
      for (let i = 0; i < n; i++) items._write(tap, value[i]);
    }
    tap.writeLong(0);
  }`);
}
