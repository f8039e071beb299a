// A binary max-heap of candidate merges for BPE training: most frequent pair first, then the pair that occurs first.

/** A heap entry: a pair (packed ids), its count and first occurrence when pushed (either may be stale since). */
export interface PairEntry {
  readonly key: number;
  readonly count: number;
  readonly first: number;
}

const before = (x: PairEntry, y: PairEntry) => x.count > y.count || (x.count === y.count && x.first < y.first);

/** A mutable heap, private to one training run. */
export class PairHeap {
  private readonly items: PairEntry[] = [];

  get size(): number {
    return this.items.length;
  }

  push(e: PairEntry): void {
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }

  pop(): PairEntry | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l]!, a[m]!)) m = l;
        if (r < a.length && before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
