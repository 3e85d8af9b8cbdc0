/**
 * `require('switchyard/fibers')`: the `fibers` 5.x `Fiber` class on
 * switchyard (see fiber-class.ts for its semantics).
 */
import type { FibersFiber, FibersFiberConstructor } from './fiber-class';
import { sharedFiberClass } from './shared';

// The type and the value share the name, as in fibers' typings:
// `import Fiber = require('switchyard/fibers'); const f: Fiber = Fiber(fn);`
// eslint-disable-next-line @typescript-eslint/no-empty-interface
interface Fiber extends FibersFiber {}
const Fiber: FibersFiberConstructor = sharedFiberClass();

export = Fiber;
