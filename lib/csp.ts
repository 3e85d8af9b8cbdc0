/**
 * The CSP layer on top of fibers: a scheduler inside Node's event loop,
 * channels (usable from fibers and from async code), select, sleep and
 * wait. See scheduler.ts for the scheduling, deadlock and error policy.
 */
export { Scheduler, spawn, run, yieldNow, getDefaultScheduler } from './scheduler';
export type { SchedulerOptions, SpawnOptions, SpawnedFiber, SpawnedFiberState } from './scheduler';
export { Channel, MAX_CHANNEL_CAPACITY } from './channel';
export type { ChannelOptions, RecvResult, TryRecvResult, RecvCase, SendCase, SelectCase } from './channel';
export { select } from './select';
export type { SelectResult, SelectRecvResult, SelectSendResult, SelectDefaultResult, SelectOptions } from './select';
export { sleep, wait } from './timing';
export { ChannelClosedError, DeadlockError, SpawnedFiberError, FiberCancelledError } from './csp-errors';
export type { BlockedFiberReport } from './csp-errors';
