/**
 * How a C runtime author uses the toolchain: install the packed package
 * (no repo) and generate a switcher. The output must assemble and compile.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { target } from '../helpers/toolchain';
import { ROOT, tempDir } from './cli-helpers';

test('`switchyard gen` works from the packed tarball without the repo', () => {
  const work = tempDir('pack');
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
  const tarball = path.join(work, packed[0].filename);
  const files: string[] = packed[0].files.map((f: { path: string }) => f.path);
  expect(files).toEqual(expect.arrayContaining(['dist/codegen/src/cli.js', 'codegen/spec/schema.ts', 'codegen/spec/riscv64-lp64d.ts', 'native/gen/context_x86_64_sysv.S']));
  expect(files.some((f) => f.startsWith('test/'))).toBe(false);

  const project = path.join(work, 'consumer');
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, 'package.json'), '{"name":"consumer","version":"1.0.0","private":true}');
  const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: project, encoding: 'utf8' });
  expect(install.stderr).not.toMatch(/ERR!/);
  expect(install.status).toBe(0);

  const out = path.join(work, 'x');
  const gen = spawnSync(path.join(project, 'node_modules', '.bin', 'switchyard'), ['gen', '--abi', 'riscv64-lp64d', '--out', out], { cwd: work, encoding: 'utf8' });
  expect(gen.stderr).toBe('');
  expect(gen.status).toBe(0);
  expect(fs.readdirSync(out).sort()).toEqual(['context_abi.h', 'context_make_riscv64_lp64d.c', 'context_riscv64_lp64d.S', 'context_riscv64_lp64d.h']);
  expect(fs.readFileSync(path.join(out, 'context_riscv64_lp64d.S'), 'utf8')).toBe(fs.readFileSync(path.join(ROOT, 'native', 'gen', 'context_riscv64_lp64d.S'), 'utf8'));

  const cc = 'riscv64-linux-gnu-gcc';
  if (spawnSync('sh', ['-c', `command -v ${cc}`]).status === 0) {
    for (const src of ['context_riscv64_lp64d.S', 'context_make_riscv64_lp64d.c']) {
      execFileSync(cc, ['-c', '-Wall', '-Wextra', '-Werror', `-I${out}`, path.join(out, src), '-o', path.join(work, `${src}.o`)]);
    }
  }

  // the ABIs added later, from the same installed package (riscv32: no libc here, so the
  // riscv64 cross gcc compiles for RV32 against the freestanding test shim's headers)
  const rv32 = target('riscv32');
  for (const [abi, stem, triple, flags] of [
    ['ppc64le-elfv2', 'ppc64le_elfv2', 'powerpc64le-linux-gnu', []],
    ['s390x-elf', 's390x_elf', 's390x-linux-gnu', []],
    ['i386-sysv', 'i386_sysv', 'i686-linux-gnu', []],
    ['mips64el-n64', 'mips64el_n64', 'mips64el-linux-gnuabi64', []],
    ['riscv32-ilp32d', 'riscv32_ilp32d', 'riscv64-linux-gnu', rv32.flags],
    ['armhf-aapcs-vfp', 'armhf_aapcs_vfp', 'arm-linux-gnueabihf', []],
    ['x86_64-win64', 'x86_64_win64', 'x86_64-w64-mingw32', []],
  ] as const) {
    const dir = path.join(work, stem);
    const r = spawnSync(path.join(project, 'node_modules', '.bin', 'switchyard'), ['gen', '--abi', abi, '--out', dir], { cwd: work, encoding: 'utf8' });
    expect({ abi, status: r.status, stderr: r.stderr }).toEqual({ abi, status: 0, stderr: '' });
    expect(fs.readFileSync(path.join(dir, `context_${stem}.S`), 'utf8')).toBe(fs.readFileSync(path.join(ROOT, 'native', 'gen', `context_${stem}.S`), 'utf8'));
    const xcc = `${triple}-gcc`;
    if (spawnSync('sh', ['-c', `command -v ${xcc}`]).status === 0) {
      for (const src of [`context_${stem}.S`, `context_make_${stem}.c`]) {
        execFileSync(xcc, ['-c', '-Wall', '-Wextra', '-Werror', ...flags, `-I${dir}`, path.join(dir, src), '-o', path.join(work, `${src}.o`)]);
      }
    }
  }
});
