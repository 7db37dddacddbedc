/**
 * Control flow inside a batch. `Abandon`: this chunk must not be committed (the partition is
 * being revoked, or the hop is stopping mid-retry); its messages are redelivered. Crashes travel
 * as HopCrashedError (errors.ts).
 */
export class Abandon extends Error {
  constructor(why: string) {
    super(why);
    this.name = 'Abandon';
  }
}

/** Counts dead letters of undeclared errors in a row, over all partitions of the hop. */
export class FailureBreaker {
  private inARow = 0;
  private readonly limit: number;
  constructor(limit: number) {
    this.limit = limit;
  }
  success(): void {
    this.inARow = 0;
  }
  /** True when the limit is reached: the failures are systemic. */
  failure(): boolean {
    this.inARow += 1;
    return this.inARow >= this.limit;
  }
}
