/**
 * Runs async jobs one at a time, in order. DuckDB has one writer connection (and a staging
 * table per connection): two loads must never interleave on it.
 */
export class WriteQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(job, job);
    this.#tail = result.catch(() => {});
    return result;
  }

  /** Resolves when every job queued so far has settled. */
  async drain(): Promise<void> {
    await this.#tail;
  }
}
