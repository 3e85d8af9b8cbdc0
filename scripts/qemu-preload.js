'use strict';
// Preloaded (NODE_OPTIONS=--require) into every node of an emulated test run:
// children spawned with process.execPath (test fixtures, jest's workers) must
// start through qemu, since the kernel here cannot execute the foreign ELF.
// See jest-on-node.js. Does nothing outside such a run.
if (process.env.SWITCHYARD_EMULATED_NODE) process.execPath = process.env.SWITCHYARD_EMULATED_NODE;
