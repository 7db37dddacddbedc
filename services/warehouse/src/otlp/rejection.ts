/** A request the receiver refuses as a whole; `code` is the gRPC status to answer with. */
export class OtlpRejection extends Error {
  override readonly name = 'OtlpRejection';
  readonly code: 'INVALID_ARGUMENT' | 'RESOURCE_EXHAUSTED';
  constructor(code: 'INVALID_ARGUMENT' | 'RESOURCE_EXHAUSTED', message: string) {
    super(message);
    this.code = code;
  }
}
