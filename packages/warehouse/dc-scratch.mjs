import { DuckDBInstance, DuckDBDataChunk, VARCHAR, DOUBLE, TIMESTAMP, DuckDBTimestampValue } from '@duckdb/node-api';
import { randomBytes } from 'node:crypto';
const db = await DuckDBInstance.create(':memory:', { threads: '1' });
const c = await db.connect();
await c.run(`CREATE TABLE spans (trace_id UUID NOT NULL, span_id UBIGINT NOT NULL, parent_span_id UBIGINT, service VARCHAR NOT NULL, name VARCHAR NOT NULL, kind VARCHAR NOT NULL, start TIMESTAMP NOT NULL, duration_ms DOUBLE NOT NULL, status_code VARCHAR NOT NULL, status_message VARCHAR, event_id VARCHAR, compute_usd DOUBLE NOT NULL, kafka_usd DOUBLE NOT NULL, query_usd DOUBLE NOT NULL, cost_usd DOUBLE NOT NULL, attributes JSON NOT NULL, storage_usd DOUBLE)`);
const attrs = JSON.stringify({ 'messaging.kafka.partition': 1, 'messaging.kafka.offset': 12345, 'adtrace.kafka.consumed_bytes': 420, 'adtrace.kafka.produced_bytes': 430, 'adtrace.cost.cpu_us': 12.5 });
const LOAD = 3000;
const mkRows = () => Array.from({ length: LOAD }, (_, i) => [randomBytes(16).toString('hex'), randomBytes(8).toString('hex'), randomBytes(8).toString('hex'), 'bench-hop', 'process bench.in', 'consumer', Date.now() * 1000 + i, 0.5, 'unset', null, 'evt-' + i, 1e-9, 2e-9, 0, 3e-9, attrs, 0]);
const T = [VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, TIMESTAMP, DOUBLE, VARCHAR, VARCHAR, VARCHAR, DOUBLE, DOUBLE, DOUBLE, DOUBLE, VARCHAR, DOUBLE];
function rowwise(a, rows) {
  for (const r of rows) {
    a.appendVarchar(r[0]); a.appendVarchar('0x' + r[1]); a.appendVarchar('0x' + r[2]); a.appendVarchar(r[3]); a.appendVarchar(r[4]); a.appendVarchar(r[5]);
    a.appendTimestamp(new DuckDBTimestampValue(BigInt(r[6]))); a.appendDouble(r[7]); a.appendVarchar(r[8]); a.appendNull(); a.appendVarchar(r[10]);
    a.appendDouble(r[11]); a.appendDouble(r[12]); a.appendDouble(r[13]); a.appendDouble(r[14]); a.appendVarchar(r[15]); a.appendDouble(r[16]); a.endRow();
  }
}
function chunked(a, rows) {
  for (let from = 0; from < rows.length; from += 2048) {
    const part = rows.slice(from, from + 2048);
    const cols = T.map(() => new Array(part.length));
    for (let i = 0; i < part.length; i++) {
      const r = part[i];
      cols[0][i] = r[0]; cols[1][i] = '0x' + r[1]; cols[2][i] = '0x' + r[2]; cols[3][i] = r[3]; cols[4][i] = r[4]; cols[5][i] = r[5];
      cols[6][i] = new DuckDBTimestampValue(BigInt(r[6])); cols[7][i] = r[7]; cols[8][i] = r[8]; cols[9][i] = null; cols[10][i] = r[10];
      cols[11][i] = r[11]; cols[12][i] = r[12]; cols[13][i] = r[13]; cols[14][i] = r[14]; cols[15][i] = r[15]; cols[16][i] = r[16];
    }
    const ch = DuckDBDataChunk.create(T, part.length);
    ch.setColumns(cols);
    a.appendDataChunk(ch);
  }
}
const res = { rowwise: [], chunked: [] };
for (let round = 0; round < 12; round++) {
  for (const [name, fn] of [['rowwise', rowwise], ['chunked', chunked]]) {
    const rows = mkRows();
    const c0 = process.cpuUsage();
    for (let k = 0; k < 5; k++) {
      await c.run('BEGIN'); const a = await c.createAppender('spans'); fn(a, rows); a.flushSync(); a.closeSync(); await c.run('COMMIT');
    }
    const u = process.cpuUsage(c0); if (round >= 2) res[name].push((u.user + u.system) / (5 * LOAD));
  }
}
for (const [k, v] of Object.entries(res)) { v.sort((a, b) => a - b); console.log(k, 'median µs/row', v[v.length >> 1].toFixed(2), 'min', v[0].toFixed(2)); }
