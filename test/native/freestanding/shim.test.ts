/**
 * The freestanding test shim (libc/) that riscv32 programs link instead of a
 * C library, checked on its own under qemu-riscv32: formatting, the 64-bit
 * divisions, malloc, argv, environment and TLS.
 *
 * Where the riscv32 toolchain is missing, this and every other riscv32 test
 * skip; this file says why in its title, and with SWITCHYARD_STRICT_SKIP=1
 * (CI, which installs it) fails instead, so riscv32 never goes untested there.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { buildC, target } from '../../helpers/toolchain';

const rv32 = target('riscv32');
const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const notInstalled = [rv32.cc, rv32.runner[0]].filter((c) => !have(c));
const missing = notInstalled.length ? `not installed: ${notInstalled.join(', ')} (apt-get install g++-riscv64-linux-gnu qemu-user-static)` : null;

describe(`riscv32 freestanding test shim${missing ? ` (skipped: ${missing})` : ''}`, () => {
  if (missing && process.env.SWITCHYARD_STRICT_SKIP === '1') {
    test('the riscv32 toolchain is installed (SWITCHYARD_STRICT_SKIP=1)', () => {
      throw new Error(`riscv32 tests cannot run: ${missing}`);
    });
  }

  (missing ? test.skip : test)('printf, 64-bit division, malloc, argv, getenv, TLS', () => {
    const bin = buildC(rv32, { sources: [path.join(__dirname, 'shim_test.c')], out: 'shim_test' });
    const [cmd, ...args] = [...rv32.runner, bin, 'ARG1', 'ARG2'];
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120000, env: { ...process.env, SHIM_TEST_ENV: 'freestanding' } });
    expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
    expect(r.stdout).toMatch(/^shim_test ALL OK: \d+ checks$/m);
  });
});
