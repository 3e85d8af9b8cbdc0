/**
 * Loads the native addon (build/Release or prebuilds/, via node-gyp-build)
 * from the package root and types its surface. Only lib/ talks to it.
 */
import { executionAsyncResource } from 'async_hooks';
import * as fs from 'fs';
import * as path from 'path';
import { makeNativeError } from './errors';

/** State numbers as the addon reports them (FiberState in fiber_core.h). */
export const NativeFiberState = { Created: 0, Suspended: 1, Running: 2, Done: 3 } as const;
export type NativeFiberState = (typeof NativeFiberState)[keyof typeof NativeFiberState];

export interface NativeFiber {
  resume(value: unknown): unknown;
  throw(error: unknown): unknown;
  readonly state: NativeFiberState;
  readonly stackSize: number;
}

export interface NativeStats {
  /** idle fiber carriers (stack + V8 thread identity) kept for reuse */
  pooled: number;
  /** carriers bound to started, unfinished fibers */
  active: number;
  /** suspended fibers whose JS object was garbage collected and that have
   * not finished unwinding yet (README, "Dropped fibers"): back at 0 once
   * their finalizers ran. Until then they are among `active` too; one that
   * kept yielding while being unwound stays suspended for good, its stack
   * mapped, counted here and no longer in `active`. */
  orphaned: number;
  /** carriers ever created: V8 thread ids consumed */
  created: number;
  /** native fiber objects not yet finalized */
  liveFibers: number;
  /** fibers currently nested on this thread */
  depth: number;
}

/** How fiber stacks are mapped and protected (native/addon/fiber_stack.h), process-wide. */
export interface NativeStackInfo {
  /** every fiber stack is carved from a shared slab with a guard region below it (Linux 6.13+) */
  guardRegions: boolean;
  /** without guard regions: how many stacks may have a guard page of their own at once (0 with them) */
  guardedStackBudget: number;
  /** stacks with a guard page of their own mapped now (two kernel mappings each) */
  ownGuardPages: number;
  /** shared slab mappings holding fiber stacks now */
  slabs: number;
  /** inside a fiber (tls backend): its stack, lowest usable address and size, and whether what lies below faults */
  current?: { base: number; size: number; guarded: boolean };
}

export interface NativeBinding {
  readonly backend: 'tls' | 'threads';
  /** a caution about the backend in use (fallback to 'threads', experimental Node 24+) */
  readonly backendNote?: string;
  readonly defaultStackSize: number;
  readonly minStackSize: number;
  readonly maxStackSize: number;
  NativeFiber: {
    new (
      body: (value: unknown) => unknown,
      stackSize?: number,
      collectedError?: () => unknown,
      onCollectedError?: (error: unknown) => void,
      /** mirrored in currentFiberId while the fiber runs */
      id?: number,
    ): NativeFiber;
    /** yield as a plain V8 callback */
    readonly yield: (value: unknown) => unknown;
    /** the running fiber's object (undefined on a thread's own stack, and while a collected fiber is unwound) */
    readonly current: object | undefined;
    /** tls backend: 'v8' (direct hand-off of V8's thread state) or 'locker: <why not>' */
    readonly handoff?: string;
    /** with handoff 'v8': the parts of V8's thread state it copies itself, comma-separated (the rest go through V8's functions) */
    readonly handoffInline?: string;
    /** with handoff 'v8': whether hand-offs between fibers without interrupt state take no lock (the stack guard's limits are swapped, its interrupts stay live) */
    readonly handoffLockFree?: boolean;
    /** with handoff 'v8': how many hand-offs in this process took V8's execution-access lock */
    lockedHandoffs?(): number;
    /** with handoff 'v8': how many hand-offs in this process were archived by the sender and restored by the receiver, instead of swapped whole by the sender (where neither side has interrupt state and every part is a copy) */
    splitHandoffs?(): number;
    /** how a yield detects a microtask that started in the fiber: 'ring' (V8's ring of microtask queues, each with its is-running flag) or 'queues' (the API's: the current and the entered context's) */
    readonly microtaskCheck?: string;
  };
  /**
   * tls backend: the key of NativeFiber's fiber-to-fiber switch,
   * `next[transferKey](value)` (lib/fiber.ts transfer()); absent where the
   * backend cannot transfer.
   */
  readonly transferKey?: symbol;
  /**
   * One cell: the id (the constructor's `id`) of the fiber running now, 0 on
   * a thread's own stack; rewritten by the addon at every switch. Telling
   * whether a given fiber runs is one load here instead of a call to the
   * NativeFiber.current accessor.
   */
  readonly currentFiberId: Float64Array;
  /** yield through N-API (slower than NativeFiber.yield) */
  yield(value: unknown): unknown;
  setErrorFactory(factory: (code: string, message: string) => Error): void;
  /**
   * How fibers keep their own async context: 'ids+cped' (async-id stack and
   * V8's continuation-preserved embedder data, Node 22+), 'ids' (Node 20),
   * or what is left with the reason the async-id stack is not switched.
   */
  readonly asyncContext?: string;
  /** async_hooks.executionAsyncResource, for frames a fiber pushed itself */
  setResourceReader?(reader: () => object): void;
  stats(): NativeStats;
  /** absent from addons built before it existed */
  stackInfo?(): NativeStackInfo;
  inFiber(): boolean;
}

/** The directory holding switchyard's package.json, from src (lib/) or build (dist/lib/). */
export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        if (JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'switchyard') return dir;
      } catch {
        // not ours; keep looking
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`switchyard: package root not found above ${__dirname}`);
    dir = up;
  }
}

function load(): NativeBinding {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const nodeGypBuild = require('node-gyp-build') as (dir: string) => NativeBinding;
  const root = packageRoot();
  let binding: NativeBinding;
  try {
    binding = nodeGypBuild(root);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `switchyard: the native addon could not be loaded (${reason}). ` +
        `Build it in ${root} with \`npx node-gyp rebuild\`.`,
      { cause: err },
    );
  }
  binding.setErrorFactory(makeNativeError);
  binding.setResourceReader?.(executionAsyncResource);
  return binding;
}

export const native: NativeBinding = load();
