import { RejectedError, TransientError } from '@adtrace/stream';

// SQLSTATE classes (PostgreSQL): the server or the connection, not the rows.
const AWAY = new Set(['08', '40', '53', '55', '57', '58']);
// …and the rows: data exceptions, integrity constraints.
const REFUSED = new Set(['22', '23']);
const DUCKDB_REFUSED = /^(Conversion|Constraint|Invalid Input|Out of Range) Error/;
const AWAY_MESSAGE = /connection (terminated|timeout|ended)|terminating connection|timeout exceeded|ECONNRESET|closed/i;

/**
 * A failed warehouse load, as the sink should read it: the warehouse away or overloaded →
 * TransientError (retried, never dead-lettered); rows it refuses → RejectedError (the sink
 * isolates the record and dead-letters it); anything else unchanged (retried a few times, then
 * isolated; a run of those trips the sink's breaker).
 */
export function asSinkError(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const sqlState = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code.slice(0, 2) : undefined;
  if ((sqlState && AWAY.has(sqlState)) || AWAY_MESSAGE.test(message)) {
    return new TransientError(`warehouse unavailable: ${message}`, { cause: error, code: code as string | undefined });
  }
  if ((sqlState && REFUSED.has(sqlState)) || DUCKDB_REFUSED.test(message)) {
    return new RejectedError(typeof code === 'string' ? code : 'WAREHOUSE_REFUSED', message, { cause: error });
  }
  return error;
}
