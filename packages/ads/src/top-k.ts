// Bounded top-k by score: a min-heap of the k best seen so far, O(n log k) over a scan.
// Ties rank the smaller slot first, so equal scores give the same answer on every run.
// The heap lives in two typed arrays with the comparison written out: the scan offers it
// hundreds of items per imp, so no objects and no method calls per comparison.

export interface Scored {
  readonly slot: number;
  readonly score: number;
}

export class TopK {
  readonly #k: number;
  readonly #slots: Int32Array;
  readonly #scores: Float64Array;
  #size = 0;

  constructor(k: number) {
    this.#k = Math.max(0, k);
    this.#slots = new Int32Array(this.#k);
    this.#scores = new Float64Array(this.#k);
  }

  /** The score an item must beat to enter (−∞ until the heap is full). */
  get threshold(): number {
    return this.#size < this.#k ? Number.NEGATIVE_INFINITY : this.#scores[0]!;
  }

  offer(slot: number, score: number): void {
    const slots = this.#slots;
    const scores = this.#scores;
    if (this.#size < this.#k) {
      // Sift up from the new leaf: parents worse than the item move down.
      let i = this.#size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        const ps = scores[parent]!;
        if (!(score < ps || (score === ps && slot > slots[parent]!))) break;
        slots[i] = slots[parent]!;
        scores[i] = ps;
        i = parent;
      }
      slots[i] = slot;
      scores[i] = score;
      return;
    }
    if (this.#k === 0) return;
    const rs = scores[0]!;
    if (!(rs < score || (rs === score && slots[0]! > slot))) return; // not better than the worst kept
    // Replace the root and sift down: the worse child moves up while it is worse than the item.
    const n = this.#size;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let m = l;
      const r = l + 1;
      if (r < n) {
        const lsc = scores[l]!;
        const rsc = scores[r]!;
        if (rsc < lsc || (rsc === lsc && slots[r]! > slots[l]!)) m = r;
      }
      const ms = scores[m]!;
      if (!(ms < score || (ms === score && slots[m]! > slot))) break;
      slots[i] = slots[m]!;
      scores[i] = ms;
      i = m;
    }
    slots[i] = slot;
    scores[i] = score;
  }

  /** Best first. */
  sorted(): Scored[] {
    const out: Scored[] = [];
    for (let i = 0; i < this.#size; i++) out.push({ slot: this.#slots[i]!, score: this.#scores[i]! });
    return out.sort((a, b) => b.score - a.score || a.slot - b.slot);
  }
}
