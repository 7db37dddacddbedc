import { describe, expect, it } from 'vitest';
import { parseRecordFile, RecordFileError } from './record-file.ts';

describe('parseRecordFile', () => {
  it('reads NDJSON with the line of each record, skipping blank lines', () => {
    expect(parseRecordFile('{"id":"a"}\n\n{"id":"b"}\n')).toEqual([
      { line: 1, value: { id: 'a' } },
      { line: 3, value: { id: 'b' } },
    ]);
  });

  it('reads a JSON array with the line each element starts on, braces in strings ignored', () => {
    const text = '[\n  {"id": "a", "name": "x}]{,"},\n\n  {\n    "id": "b"\n  }, {"id": "c"}\n]\n';
    expect(parseRecordFile(text).map((r) => [r.line, (r.value as { id: string }).id])).toEqual([
      [2, 'a'],
      [4, 'b'],
      [6, 'c'],
    ]);
  });

  it('names the line that is not JSON', () => {
    expect(() => parseRecordFile('{"id":"a"}\n{"id":\n')).toThrow(RecordFileError);
    expect(() => parseRecordFile('{"id":"a"}\n{"id":\n')).toThrow(/^line 2: not JSON/);
    expect(parseRecordFile('  \n')).toEqual([]);
  });
});
