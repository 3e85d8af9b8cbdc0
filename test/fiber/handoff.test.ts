/**
 * Which way the tls backend hands V8 between fibers. The fast hand-off
 * (V8's thread state archived and restored directly, offsets matched from
 * the running binary) is expected on the Node builds it was matched for
 * (20, 22, 24 and 26, on x64 and on arm64); everywhere else, or when a match fails, the backend
 * falls back to v8::Unlocker/Locker and says why. This test makes a silent
 * fallback visible.
 */
import { native } from '../../lib/native';
import { describeChild, runFixture } from './helpers';

const major = Number(process.versions.node.split('.')[0]);
const forcedLocker = process.env.SWITCHYARD_FIBER_HANDOFF === 'locker';
const matchedBuild = ['x64', 'arm64'].includes(process.arch) && [20, 22, 24, 26].includes(major);

describe('tls backend hand-off', () => {
  test(native.backend === 'tls' ? 'reports its path' : 'absent on the threads backend', () => {
    const handoff = native.NativeFiber.handoff;
    if (native.backend !== 'tls') {
      expect(handoff).toBeUndefined();
    } else if (matchedBuild && !forcedLocker) {
      expect(handoff).toBe('v8');
    } else {
      expect(handoff).toMatch(/^locker/);
    }
  });

  // On the builds it was matched for, every part of V8's thread state is
  // copied by the hand-off itself: V8's archive and restore functions were
  // recognized as plain copies. A V8 whose functions do more keeps calling
  // them, which is correct but slower; this makes that visible.
  test('the direct hand-off copies every part of V8\'s thread state itself', () => {
    if (native.NativeFiber.handoff !== 'v8') {
      expect(native.NativeFiber.handoffInline).toBeUndefined();
      return;
    }
    expect(native.NativeFiber.handoffInline?.split(', ').sort()).toEqual(
      ['bootstrapper', 'debug', 'handle scopes', 'isolate', 'regexp stack', 'relocatable', 'stack guard'],
    );
  });

  // And its hops take no lock where V8's RequestInterrupt was recognized
  // (the interrupt protocol the lock-free swap of stack limits relies on).
  test('the direct hand-off swaps stack limits without the lock where V8\'s interrupt protocol is known', () => {
    if (native.NativeFiber.handoff !== 'v8') {
      expect(native.NativeFiber.handoffLockFree).toBeUndefined();
      return;
    }
    expect(native.NativeFiber.handoffLockFree).toBe(true);
  });

  // V8 code that differs from every pattern (here: ThreadManager::RestoreThread
  // read from a copy, whose calls no longer go where they should) must turn
  // into the locker path with the reason, never a crash.
  test('falls back to the locker, saying why, when V8\'s code matches no pattern', () => {
    if (native.backend !== 'tls') return;
    const r = runFixture('handoff-fallback.js', ['--expose-gc'], { SWITCHYARD_TEST_HANDOFF_CODE_MOVED: 'restore_thread' });
    if (r.status !== 0) throw new Error(describeChild(r));
    expect(r.json.checked).toBe(8 * 50);
    if (matchedBuild && !forcedLocker) {
      expect(r.json.handoff).toMatch(/^locker: V8's ThreadManager code is not that of any V8 build this was written for \[.*RestoreThread differs/);
    } else {
      expect(r.json.handoff).toMatch(/^locker/);
    }
  });
});
