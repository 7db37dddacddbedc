/**
 * A consumer's linger (config.ts, lingerMs): after a fetch that returned records and left none
 * behind on the broker, the next fetch is sent no sooner than `ms` after it. Both ports fetch
 * again only once a fetch's batches are handled, so waiting out the linger before the last of
 * them returns is enough. Caught up at a low rate, a consumer otherwise cycles fetch → handle →
 * commit for every record or two; with it, what arrives within the linger is handled, and
 * loaded or committed, together. A fetch that came back empty sets nothing (the next record is
 * answered at once), nor does one that left records behind (a backlog fetches again at once).
 */
export class Linger {
  private until = 0;
  private released = false;
  private readonly waiting = new Set<() => void>();
  private readonly ms: number;

  constructor(ms: number) {
    this.ms = ms;
  }

  /** A fetch returned: whether any partition had records, and whether any has more on the broker. */
  fetched(withRecords: boolean, behind: boolean): void {
    this.until = withRecords && !behind && this.ms > 0 ? performance.now() + this.ms : 0;
  }

  /** Resolves once the linger of the last fetch with records is over, or at once after release(). */
  async over(): Promise<void> {
    const left = this.until - performance.now();
    if (left <= 0 || this.released) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, left);
      this.waiting.add(done);
    });
  }

  /** Stopping: nothing waits any more. */
  release(): void {
    this.released = true;
    for (const done of [...this.waiting]) done();
  }
}
