/**
 * `require('switchyard/future')`: the `fibers/future` 5.x `Future` class on
 * switchyard (see future-class.ts). Loading it also defines
 * `Function.prototype.future`, as fibers/future does.
 */
import type { Future as FutureClass } from './future-class';
import { sharedFutureClass } from './shared';

// The type and the value share the name:
// `import Future = require('switchyard/future'); const f: Future<number> = new Future();`
type Future<T = any> = FutureClass<T>;
const Future: typeof FutureClass = sharedFutureClass(() => {
  // required here: a later copy must not define a second class
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const made = require('./future-class') as typeof import('./future-class');
  made.installFunctionFuture();
  return made.Future;
});

export = Future;
