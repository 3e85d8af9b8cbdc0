/**
 * The freestanding test shim (libc/) that riscv32 programs link instead of a
 * C library, checked on its own under qemu-riscv32: formatting, the 64-bit
 * divisions, malloc, argv, environment and TLS.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { buildC, target, targetAvailable } from '../../helpers/toolchain';

const rv32 = target('riscv32');

(targetAvailable(rv32) ? test : test.skip)('riscv32 shim: printf, 64-bit division, malloc, argv, getenv, TLS', () => {
  const bin = buildC(rv32, { sources: [path.join(__dirname, 'shim_test.c')], out: 'shim_test' });
  const [cmd, ...args] = [...rv32.runner, bin, 'ARG1', 'ARG2'];
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120000, env: { ...process.env, SHIM_TEST_ENV: 'freestanding' } });
  expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
  expect(r.stdout).toMatch(/^shim_test ALL OK: \d+ checks$/m);
});
