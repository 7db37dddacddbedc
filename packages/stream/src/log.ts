import type { Log } from './types.ts';

/** One JSON line per entry on stderr; debug is dropped unless ADTRACE_DEBUG is set. */
export function jsonLog(hop: string): Log {
  const debug = Boolean(process.env.ADTRACE_DEBUG);
  return (level, message, fields) => {
    if (level === 'debug' && !debug) return;
    const line = { time: new Date().toISOString(), level, hop, message, ...fields };
    process.stderr.write(`${JSON.stringify(line, (_k, v) => (v instanceof Error ? `${v.name}: ${v.message}` : v))}\n`);
  };
}
