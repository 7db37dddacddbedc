import type { StageType, StageValue, TableLoad } from '../tables.ts';

export const PG_STAGE_TYPES: Record<StageType, string> = {
  text: 'text',
  bigint: 'bigint',
  int: 'integer',
  double: 'double precision',
  bool: 'boolean',
  bytes: 'bytea',
};

export function createStageSql(spec: TableLoad<unknown>): string {
  const cols = spec.columns.map(([name, type]) => `${name} ${PG_STAGE_TYPES[type]}`).join(', ');
  // Per session, emptied at every commit: a load leaves nothing behind for the next one.
  return `CREATE TEMP TABLE IF NOT EXISTS ${spec.stage} (${cols}) ON COMMIT DELETE ROWS`;
}

const SPECIAL = /[\\\t\n\r\0]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '' };

/** One value in COPY's text format. PostgreSQL text cannot hold NUL: it is dropped. */
function field(type: StageType, v: StageValue): string {
  if (v === null || v === undefined) return '\\N';
  switch (type) {
    case 'text':
      return String(v).replace(SPECIAL, (c) => ESCAPES[c]!);
    case 'bool':
      return v ? 't' : 'f';
    case 'bytes':
      // bytea hex input is \x…; the backslash itself is escaped in COPY text.
      return `\\\\x${(v as Buffer).toString('hex')}`;
    case 'bigint':
    case 'int':
      return typeof v === 'number' ? String(Math.trunc(v)) : String(v);
    default:
      return String(v);
  }
}

/** Rows as COPY text, in chunks of `perChunk` lines (so a big load streams, not one huge string). */
export function* copyText<Row>(spec: TableLoad<Row>, rows: readonly Row[], perChunk = 2000): Generator<string> {
  const types = spec.columns.map(([, type]) => type);
  let lines: string[] = [];
  for (const row of rows) {
    const values = spec.values(row);
    let line = '';
    for (let i = 0; i < types.length; i++) line += (i === 0 ? '' : '\t') + field(types[i]!, values[i] ?? null);
    lines.push(line);
    if (lines.length >= perChunk) {
      yield `${lines.join('\n')}\n`;
      lines = [];
    }
  }
  if (lines.length > 0) yield `${lines.join('\n')}\n`;
}
