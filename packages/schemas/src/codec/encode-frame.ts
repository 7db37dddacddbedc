import type avro from 'avsc';
import { CodecError } from './codec-error.ts';

/**
 * An encoder that writes header + body into one reused scratch buffer and copies the result
 * out once. avsc reports a buffer that was too small by returning a negative size; the scratch
 * then grows and the write is repeated.
 */
export function encodeFrame(type: avro.Type, header: Buffer, maxBytes: number): (value: unknown) => Buffer {
  let scratch = Buffer.alloc(Math.max(4096, header.length * 2));
  header.copy(scratch);
  return (value) => {
    let end: number;
    try {
      end = type.encode(value, scratch, header.length);
      while (end < 0) {
        const bigger = Buffer.alloc(Math.max(scratch.length * 2, scratch.length - end));
        scratch.copy(bigger, 0, 0, header.length);
        scratch = bigger;
        end = type.encode(value, scratch, header.length);
      }
    } catch (error: unknown) {
      throw new CodecError('INVALID_VALUE', `not a valid ${type.name ?? 'value'}: ${invalidPaths(type, value)}`, {
        cause: error,
      });
    }
    if (end > maxBytes) throw new CodecError('TOO_LARGE', `encoded record of ${end} bytes is over ${maxBytes}`);
    const out = Buffer.allocUnsafe(end);
    scratch.copy(out, 0, 0, end);
    return out;
  };
}

// Only on failure: walk the value again to name the fields that are wrong.
function invalidPaths(type: avro.Type, value: unknown): string {
  const paths: string[] = [];
  type.isValid(value, {
    errorHook: (path: string[]) => {
      if (paths.length < 5) paths.push(path.join('.') || '(root)');
    },
  });
  return paths.length > 0 ? paths.join(', ') : 'value rejected by the schema';
}
