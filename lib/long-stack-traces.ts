/**
 * Long stack traces, opt-in: an error that escapes a fiber through
 * `resume()` or `throw()` gets, after its own frames, where that fiber was
 * resumed from, then where its resumer was resumed from, and so on up the
 * chain of fibers (at most MAX_SITES sites).
 *
 * ```
 * Error: boom
 *     at inner (app.js:2:9)          <- the fiber's own frames
 *     at run (switchyard/dist/lib/fiber.js:68:24)
 *     - - - - - fiber resumed
 *     at parent (app.js:7:5)         <- where resume() was called
 *     ...
 * ```
 *
 * How: while on, Fiber.prototype gets its own `resume`, `throw` and
 * transfer methods, JS wrappers around the native ones that capture the
 * call site (Error.captureStackTrace, formatted only when read) in a record
 * linked to the record of the fiber running the call. While off, those own
 * properties are gone again: resume() is the native method, with no JS
 * frame, exactly as without this module.
 *
 * Why at throw-through time and not in Error.prepareStackTrace: V8 formats
 * a stack lazily, on the first read of `stack`, often long after the error
 * was made and on another stack; which fiber made the error is not known
 * then. When the error comes out of resume(), the fiber it escaped from and
 * the resumers above it are still exactly the ones on the chain. So errors
 * made and caught inside a fiber are not extended, and neither are errors
 * made outside fibers.
 *
 * A record lives while its fiber runs (the `active` chain) and in the errors
 * it was attached to, never in a per-fiber table: nothing here refers to a
 * suspended fiber, so a dropped fiber stays collectable. The captured frames
 * do refer to their functions (the resumer's closures among them) until the
 * error's stack is read, as any V8 error's own frames do.
 */
import { Fiber } from './fiber';
import { native } from './native';

/** Most resume sites shown under one error; the rest are counted. */
export const MAX_SITES = 10;

type SwitchKind = 'resume' | 'throw' | 'transfer';

const HEADINGS: Record<SwitchKind, string> = {
  resume: '    - - - - - fiber resumed',
  throw: '    - - - - - fiber resumed by throw()',
  transfer: '    - - - - - fiber switched to from another fiber',
};

/**
 * One switch into a fiber: its kind, the caller's frames (this object's
 * own `stack`, captured when made, formatted when read), and the record of
 * the fiber that made the switch, as it was then.
 */
class SwitchSite {
  declare readonly stack: unknown;
  constructor(
    readonly kind: SwitchKind,
    readonly parent: SwitchSite | undefined,
  ) {}
}

/** The record of the switch that started the fiber running now (undefined on a thread's own stack). */
let active: SwitchSite | undefined = undefined;
let enabled = false;

type NativeMethod = (this: unknown, value: unknown) => unknown;
const proto = Fiber.prototype as unknown as Record<PropertyKey, unknown>;
const transferKey: symbol | undefined = native.transferKey;
// The methods the wrappers call: the native ones Fiber inherits today. What
// Fiber.prototype had as its own (nothing, today) comes back when turned off.
const nativeResume = proto.resume as NativeMethod;
const nativeThrow = proto.throw as NativeMethod;
const nativeTransfer = transferKey === undefined ? undefined : (proto[transferKey] as NativeMethod);
const wrappedKeys: PropertyKey[] = transferKey === undefined ? ['resume', 'throw'] : ['resume', 'throw', transferKey];
const ownBefore = new Map(wrappedKeys.map((key) => [key, Object.getOwnPropertyDescriptor(proto, key)]));

/**
 * Whether resume() or throw() on `fiber` will switch into it. If not, the
 * native method refuses (FiberStateError, or TypeError for a non-fiber)
 * from the caller's own stack, and that error gets no chain.
 */
function willSwitch(fiber: unknown): boolean {
  let state: unknown;
  try {
    state = (fiber as Fiber).state;
  } catch {
    return false;
  }
  return state === 'created' || state === 'suspended';
}

/** V8's own `stack` getter (Node 22+; on Node 20 `stack` is a data property). */
const v8StackGetter = Object.getOwnPropertyDescriptor(new Error(), 'stack')?.get;

/** Errors already given a chain (or found unable to take one): never twice. */
const extended = new WeakSet<object>();

// resume() and throw(): the caller waits inside this call until the fiber
// (or one it transferred into) gives control back, so `active` is the
// caller's own record again then.
function resume(this: unknown, value?: unknown): unknown {
  if (!willSwitch(this)) return nativeResume.call(this, value);
  const caller = active;
  const site = new SwitchSite('resume', caller);
  Error.captureStackTrace(site, resume);
  active = site;
  try {
    return nativeResume.call(this, value);
  } catch (error) {
    extend(error, active);
    throw error;
  } finally {
    active = caller;
  }
}

function throwInto(this: unknown, error: unknown): unknown {
  if (!willSwitch(this)) return nativeThrow.call(this, error);
  const caller = active;
  const site = new SwitchSite('throw', caller);
  Error.captureStackTrace(site, throwInto);
  active = site;
  try {
    return nativeThrow.call(this, error);
  } catch (escaped) {
    // the error sent in, coming straight back out, already says where it was made
    if (escaped !== error) extend(escaped, active);
    throw escaped;
  } finally {
    active = caller;
  }
}

// transfer(): the running fiber parks and `this` takes over its resumer
// (lib/fiber.ts), so the new record hangs under the record of the switch
// that started this line of transfers: a run of scheduler hops shows the
// latest hop and then that resume, not every hop. Whoever switches back
// into the parked fiber has set `active` for it: nothing to restore.
function transfer(this: unknown, value?: unknown): unknown {
  const from = active;
  active = new SwitchSite('transfer', from?.kind === 'transfer' ? from.parent : from);
  Error.captureStackTrace(active, transfer);
  try {
    return nativeTransfer!.call(this, value);
  } catch (error) {
    active = from; // refused: nothing switched
    throw error;
  }
}
Object.defineProperty(throwInto, 'name', { value: 'throw' });

/**
 * Gives `error` a `stack` that ends with the chain from `site` up. Leaves
 * alone anything that is not an object with its own V8 stack (or a string
 * one), such as an error whose stack another layer already rewrote
 * (fibers' Future splices the stacks it rethrows; they are not doubled).
 */
function extend(error: unknown, site: SwitchSite | undefined): void {
  if (site === undefined || (typeof error !== 'object' && typeof error !== 'function') || error === null) return;
  if (extended.has(error)) return;
  extended.add(error);
  const own = Object.getOwnPropertyDescriptor(error, 'stack');
  if (own === undefined || !own.configurable) return;
  let read: () => unknown;
  if (own.get !== undefined && own.get === v8StackGetter) {
    const get = own.get;
    read = () => get.call(error); // formatted only when read, as V8 does
  } else if (own.get === undefined && typeof own.value === 'string') {
    const value = own.value;
    read = () => value;
  } else {
    return;
  }
  let chain: SwitchSite | undefined = site;
  let composed: unknown;
  Object.defineProperty(error, 'stack', {
    get() {
      if (chain !== undefined) {
        const stack = read();
        composed = typeof stack === 'string' ? stack + formatChain(chain) : stack;
        chain = undefined; // the frames are strings now; let the records go
      }
      return composed;
    },
    set(value: unknown) {
      Object.defineProperty(error, 'stack', { value, writable: true, configurable: true, enumerable: own.enumerable });
    },
    configurable: true,
    enumerable: own.enumerable,
  });
}

// Index of the first frame line ("    at ...") of a formatted stack; the
// lines before it are its header.
function firstFrame(lines: string[]): number {
  const i = lines.findIndex((line) => /^\s+at /.test(line));
  return i === -1 ? 1 : i;
}

/** The chain's sections, each a heading and the caller's frames; empty sections (Error.stackTraceLimit 0) left out. */
function formatChain(chain: SwitchSite): string {
  let text = '';
  let shown = 0;
  let site: SwitchSite | undefined = chain;
  for (; site !== undefined && shown < MAX_SITES; site = site.parent, shown++) {
    const stack = site.stack;
    if (typeof stack !== 'string') continue;
    const lines = stack.split('\n');
    const frames = lines.slice(firstFrame(lines));
    if (frames.length > 0) text += `\n${HEADINGS[site.kind]}\n${frames.join('\n')}`;
  }
  let more = 0;
  for (; site !== undefined; site = site.parent) more++;
  if (more > 0 && text !== '') text += `\n    - - - - - (${more} more up the chain)`;
  return text;
}

/**
 * Turns long stack traces on or off (off by default, or on from the start
 * with SWITCHYARD_LONG_STACK_TRACES=1). While on, every resume(), throw()
 * and scheduler hop captures its call site: about as costly as making an
 * Error each time (see the bench's js.fiber.roundtrip.long_stacks).
 * Errors extended while on keep their chain after it is turned off.
 */
export function setLongStackTraces(on: boolean): void {
  if (typeof on !== 'boolean') throw new TypeError(`setLongStackTraces expects a boolean, got ${typeof on}`);
  if (on === enabled) return;
  enabled = on;
  const wrappers: Record<PropertyKey, NativeMethod> = { resume, throw: throwInto };
  if (transferKey !== undefined) wrappers[transferKey] = transfer;
  for (const key of wrappedKeys) {
    // switches under way when turned off keep their wrappers' frames and finish as they began
    const before = ownBefore.get(key);
    if (on) Object.defineProperty(proto, key, { value: wrappers[key], writable: true, configurable: true, enumerable: false });
    else if (before !== undefined) Object.defineProperty(proto, key, before);
    else delete proto[key];
  }
}

/** Whether long stack traces are on. */
export function longStackTracesEnabled(): boolean {
  return enabled;
}

/** SWITCHYARD_LONG_STACK_TRACES, read once when switchyard loads. */
function fromEnvironment(): void {
  const value = process.env.SWITCHYARD_LONG_STACK_TRACES;
  if (value === undefined || value === '' || value === '0' || value === 'false') return;
  if (value === '1' || value === 'true') {
    setLongStackTraces(true);
    return;
  }
  process.emitWarning(`SWITCHYARD_LONG_STACK_TRACES=${value} is not 1, true, 0 or false; long stack traces stay off`, {
    code: 'SWITCHYARD_BAD_ENV',
  });
}
fromEnvironment();
