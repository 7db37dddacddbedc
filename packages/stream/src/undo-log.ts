/**
 * Undo steps for in-memory state (window tables, timers) that must roll back with a failed
 * handler attempt or a chunk whose transaction failed, as the store layers (`Writes`) do.
 *
 * Nothing is recorded until a savepoint is taken; `release()` (the chunk is durable) forgets
 * every step and stops recording. Savepoints nest: take one per chunk and one per attempt;
 * `rollbackTo` an attempt's undoes that attempt only, a chunk's undoes the whole chunk.
 */
export class UndoLog {
  private readonly steps: Array<() => void> = [];
  private recording = false;

  savepoint(): number {
    this.recording = true;
    return this.steps.length;
  }

  record(step: () => void): void {
    if (this.recording) this.steps.push(step);
  }

  /** Undoes, newest first, every step since the savepoint. */
  rollbackTo(savepoint: number): void {
    const was = this.recording;
    this.recording = false; // undoing must not record undo steps of its own
    try {
      while (this.steps.length > savepoint) this.steps.pop()!();
    } finally {
      this.recording = was;
    }
  }

  release(): void {
    this.steps.length = 0;
    this.recording = false;
  }
}
