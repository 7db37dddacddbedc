// Bounded top-k by score: a min-heap of the k best seen so far, O(n log k) over a scan.
// Ties rank the smaller slot first, so equal scores give the same answer on every run.

export interface Scored {
  readonly slot: number;
  readonly score: number;
}

export class TopK {
  readonly #k: number;
  readonly #slots: number[] = [];
  readonly #scores: number[] = [];

  constructor(k: number) {
    this.#k = k;
  }

  /** The score an item must beat to enter (−∞ until the heap is full). */
  get threshold(): number {
    return this.#slots.length < this.#k ? Number.NEGATIVE_INFINITY : this.#scores[0]!;
  }

  offer(slot: number, score: number): void {
    if (this.#k <= 0) return;
    if (this.#slots.length < this.#k) {
      this.#slots.push(slot);
      this.#scores.push(score);
      this.#siftUp(this.#slots.length - 1);
    } else if (worse(this.#scores[0]!, this.#slots[0]!, score, slot)) {
      this.#slots[0] = slot;
      this.#scores[0] = score;
      this.#siftDown(0);
    }
  }

  /** Best first. */
  sorted(): Scored[] {
    return this.#slots
      .map((slot, i) => ({ slot, score: this.#scores[i]! }))
      .sort((a, b) => b.score - a.score || a.slot - b.slot);
  }

  #siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #siftDown(i: number): void {
    const n = this.#slots.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.#less(l, m)) m = l;
      if (r < n && this.#less(r, m)) m = r;
      if (m === i) return;
      this.#swap(i, m);
      i = m;
    }
  }

  // The heap's root is the worst kept item.
  #less(i: number, j: number): boolean {
    return worse(this.#scores[i]!, this.#slots[i]!, this.#scores[j]!, this.#slots[j]!);
  }

  #swap(i: number, j: number): void {
    [this.#slots[i], this.#slots[j]] = [this.#slots[j]!, this.#slots[i]!];
    [this.#scores[i], this.#scores[j]] = [this.#scores[j]!, this.#scores[i]!];
  }
}

/** Whether (scoreA, slotA) ranks below (scoreB, slotB). */
function worse(scoreA: number, slotA: number, scoreB: number, slotB: number): boolean {
  return scoreA < scoreB || (scoreA === scoreB && slotA > slotB);
}
