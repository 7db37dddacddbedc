// The files `adtrace campaigns publish` and `segments publish` read: NDJSON (one record a line)
// or one JSON array. Each record keeps the line it starts on, so a refusal can point at it.

export interface FileRecord {
  /** 1-based line where the record starts. */
  readonly line: number;
  readonly value: unknown;
}

/** Thrown for a file that is not NDJSON or a JSON array, or a record that breaks a rule. */
export class RecordFileError extends Error {
  override readonly name = 'RecordFileError';
}

export function parseRecordFile(text: string): FileRecord[] {
  const first = text.search(/\S/);
  if (first === -1) return [];
  if (text[first] === '[') return parseArray(text);
  const out: FileRecord[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    try {
      out.push({ line: i + 1, value: JSON.parse(raw) });
    } catch (err) {
      throw new RecordFileError(`line ${i + 1}: not JSON (${err instanceof Error ? err.message : String(err)})`);
    }
  });
  return out;
}

function parseArray(text: string): FileRecord[] {
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (err) {
    throw new RecordFileError(`not a JSON array: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!Array.isArray(values)) throw new RecordFileError('not a JSON array');
  const lines = elementLines(text);
  return values.map((value, i) => ({ line: lines[i] ?? 1, value }));
}

/** The line each top-level element of a (valid) JSON array starts on: a scan of depth and strings. */
function elementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (/\s/.test(c)) continue;
    if (depth === 1 && expectElement && c !== ']') {
      lines.push(line);
      expectElement = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      depth++;
      if (depth === 1) expectElement = true;
    } else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expectElement = true;
  }
  return lines;
}
