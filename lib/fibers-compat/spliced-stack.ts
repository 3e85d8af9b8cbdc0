/**
 * Future#get() rethrows the error the future failed with where get() was
 * called, usually far from where the error was made (another fiber, a
 * callback). As fibers does, the rethrown error's `stack` then shows both:
 * its header (name and message), the frames of the get() call, a
 * `    - - - - -` separator, then the frames of where it was made.
 */

const SEPARATOR = '    - - - - -';
// the stack each error had before its first splice (re-spliced at every get())
const madeAt = new WeakMap<object, string>();

// Index of the first frame line ("    at ...") of a V8 stack string; the
// lines before it are the header (a message may span several lines).
function firstFrame(lines: string[]): number {
  const i = lines.findIndex((line) => /^\s+at /.test(line));
  return i === -1 ? lines.length : i;
}

function compose(original: string, local: string | undefined): string {
  if (local === undefined) return original;
  const own = original.split('\n');
  const here = local.split('\n');
  const ownStart = firstFrame(own);
  return [...own.slice(0, ownStart), ...here.slice(firstFrame(here)), SEPARATOR, ...own.slice(ownStart)].join('\n');
}

/**
 * Makes `error.stack` the splice of the frames above `caller` (the function
 * about to rethrow it) and its original stack. Leaves anything that is not an
 * object with a string stack, or whose stack cannot be redefined, alone.
 * The stack is composed when read; assigning `stack` replaces it as usual.
 */
export function spliceStacks(error: unknown, caller: (...args: any[]) => unknown): void {
  if ((typeof error !== 'object' && typeof error !== 'function') || error === null) return;
  let original = madeAt.get(error);
  if (original === undefined) {
    const stack = (error as { stack?: unknown }).stack;
    if (typeof stack !== 'string') return;
    original = stack;
  }
  const local: { stack?: string } = {};
  Error.captureStackTrace(local, caller);
  const made = original;
  try {
    Object.defineProperty(error, 'stack', {
      get: () => compose(made, local.stack),
      set(value: unknown) {
        Object.defineProperty(error, 'stack', { value, writable: true, configurable: true, enumerable: false });
      },
      configurable: true,
      enumerable: false,
    });
  } catch {
    return; // a frozen error, or a non-configurable stack: rethrown as it is
  }
  madeAt.set(error, made);
}
