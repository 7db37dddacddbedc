/**
 * @platformatic/kafka reports a broker's refusal as a ProtocolError (`apiId`: the protocol's
 * error name), often inside a MultipleErrors / ResponseError (`errors`). The runtime's
 * `classify` reads Kafka error names from `type` along the `cause` chain (kafkajs's shape), so
 * the port re-raises each failure as a PortError carrying the first protocol error's name.
 */

type Node = { apiId?: unknown; canRetry?: unknown; code?: unknown; errors?: unknown; cause?: unknown };

export class PortError extends Error {
  readonly type: string | undefined;
  readonly retriable: boolean;
  constructor(message: string, type: string | undefined, retriable: boolean, cause: unknown) {
    super(message, { cause });
    this.name = 'PlatformaticKafkaError';
    this.type = type;
    this.retriable = retriable;
  }
}

/** The first broker error name in the error tree, and whether the client called it retriable. */
export function protocolErrorOf(error: unknown, depth = 0): { type: string; retriable: boolean } | undefined {
  if (!error || typeof error !== 'object' || depth > 6) return undefined;
  const e = error as Node;
  if (typeof e.apiId === 'string') return { type: e.apiId, retriable: e.canRetry === true };
  for (const inner of Array.isArray(e.errors) ? e.errors : []) {
    const found = protocolErrorOf(inner, depth + 1);
    if (found) return found;
  }
  return protocolErrorOf(e.cause, depth + 1);
}

/** Network and timeout failures of the client: the world, not the request. */
function transientCode(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 6) return false;
  const e = error as Node;
  if (e.code === 'PLT_KFK_NETWORK' || e.code === 'PLT_KFK_TIMEOUT') return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => transientCode(inner, depth + 1))) return true;
  return transientCode(e.cause, depth + 1);
}

export function toPortError(error: unknown): unknown {
  if (error instanceof PortError) return error;
  const protocol = protocolErrorOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (protocol) return new PortError(`${message} (${protocol.type})`, protocol.type, protocol.retriable, error);
  if (transientCode(error)) return new PortError(message, undefined, true, error);
  return error;
}

/** Runs a client call and re-raises its failure in the runtime's vocabulary. */
export async function portCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toPortError(error);
  }
}
