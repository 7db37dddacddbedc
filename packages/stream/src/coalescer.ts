/**
 * Group commit: one request in flight; whatever is submitted meanwhile goes out together in the
 * next one. Under load, concurrent partitions share produce requests and offset commits; at low
 * load nothing waits for a timer (there is no linger). A failed flush rejects everything in it;
 * each submitter retries on its own.
 */
export class Coalescer<T> {
  private queue: { item: T; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private flushing = false;
  private readonly flush: (items: T[]) => Promise<void>;

  constructor(flush: (items: T[]) => Promise<void>) {
    this.flush = flush;
  }

  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.flushing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.flushing = true;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      try {
        await this.flush(batch.map((b) => b.item));
        for (const b of batch) b.resolve();
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
    this.flushing = false;
  }
}
