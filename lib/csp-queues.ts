/**
 * The two queues the CSP layer needs. `Fifo` is the scheduler's ready queue
 * (push at the tail, take from the head, O(1) amortized; unshift and pop
 * undo a shift or a push). `WaitList` holds a
 * channel's blocked senders or receivers; a waiter from a `select` must be
 * unlinked from every other channel's list when one case fires, so entries
 * are doubly linked nodes that remove themselves in O(1) — with 10,000
 * fibers parked on one channel, an indexOf-based removal would be quadratic.
 */

export class Fifo<T> {
  #items: (T | undefined)[] = [];
  #head = 0;
  /** one past the last item; the slots from here on are free for push */
  #tail = 0;

  get length(): number {
    return this.#tail - this.#head;
  }

  push(item: T): void {
    if (this.#tail < this.#items.length) this.#items[this.#tail] = item;
    else this.#items.push(item);
    this.#tail++;
  }

  shift(): T | undefined {
    if (this.#head === this.#tail) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined; // let the GC take it
    if (this.#head === this.#tail) {
      this.#emptied();
    } else if (this.#head > 1024 && this.#head * 2 > this.#tail) {
      // compact once the dead prefix dominates, keeping shift O(1) amortized
      this.#items = this.#items.slice(this.#head, this.#tail);
      this.#tail -= this.#head;
      this.#head = 0;
    }
    return item;
  }

  /** Puts `item` back at the head (undoes a shift). */
  unshift(item: T): void {
    if (this.#head === this.#tail) {
      // empty (a shift just emptied it): back at the front
      this.#items[0] = item;
      this.#head = 0;
      this.#tail = 1;
    } else if (this.#head > 0) {
      this.#items[--this.#head] = item;
    } else {
      this.#items.unshift(item);
      this.#tail++;
    }
  }

  /** Takes the item at the tail (undoes a push). */
  pop(): T | undefined {
    if (this.#head === this.#tail) return undefined;
    const item = this.#items[--this.#tail];
    this.#items[this.#tail] = undefined;
    if (this.#head === this.#tail) this.#emptied();
    return item;
  }

  clear(): void {
    this.#items = [];
    this.#head = this.#tail = 0;
  }

  /**
   * The queue just became empty: the next push reuses the front of the
   * array (a ready queue that holds one fiber at a time never grows it),
   * unless a burst left it large.
   */
  #emptied(): void {
    this.#head = this.#tail = 0;
    if (this.#items.length > 1024) this.#items = [];
  }
}

/** A node of a WaitList; `list` is undefined once it has been removed. */
export interface WaitNode<T> {
  readonly item: T;
  prev: WaitNode<T> | undefined;
  next: WaitNode<T> | undefined;
  list: WaitList<T> | undefined;
}

export class WaitList<T> {
  #first: WaitNode<T> | undefined;
  #last: WaitNode<T> | undefined;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  push(item: T): WaitNode<T> {
    const node: WaitNode<T> = { item, prev: this.#last, next: undefined, list: this };
    if (this.#last) this.#last.next = node;
    else this.#first = node;
    this.#last = node;
    this.#size++;
    return node;
  }

  peek(): T | undefined {
    return this.#first?.item;
  }

  shift(): T | undefined {
    const node = this.#first;
    if (!node) return undefined;
    this.remove(node);
    return node.item;
  }

  /** Unlinks `node`; harmless if it was already removed. */
  remove(node: WaitNode<T>): void {
    if (node.list !== this) return;
    if (node.prev) node.prev.next = node.next;
    else this.#first = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.#last = node.prev;
    node.prev = node.next = undefined;
    node.list = undefined;
    this.#size--;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let n = this.#first; n; n = n.next) yield n.item;
  }
}
