/**
 * The runtime under the tools that watch memory: AddressSanitizer +
 * UndefinedBehaviorSanitizer (told about every stack switch) and valgrind
 * (told about every coroutine stack), both with zero reports, on the
 * machine's own target (x86-64 on x64, AArch64 on arm64: neither tool runs
 * under qemu-user); and the standalone CMake build of switchyard_runtime
 * with no warnings.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { BUILD_DIR, hostTarget, ROOT } from '../../helpers/toolchain';
import { buildProgram, describeRun, expectSuccess, run } from './harness';

const native = hostTarget();
/** the titles name the machine's ISA as they always have on x64 */
const isa = native.name === 'x86_64' ? 'x86-64' : native.name;
const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

describe(`AddressSanitizer + UndefinedBehaviorSanitizer (${isa})`, () => {
  const flags = ['-fsanitize=address,undefined', '-fno-omit-frame-pointer', '-fno-sanitize-recover=all'];
  const env = {
    // fake stacks too, so the start/finish_switch_fiber bookkeeping is exercised
    ASAN_OPTIONS: 'detect_leaks=1:detect_stack_use_after_return=1:abort_on_error=0',
    UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
  };
  const clean = (r: ReturnType<typeof run>) => {
    expectSuccess(r);
    expect(r.stderr).not.toMatch(/AddressSanitizer|LeakSanitizer|runtime error|WARNING/);
  };

  test('scenario tests', () => {
    clean(run(native, buildProgram(native, 'runtime_test', 'asan', flags), [], { ...env, SY_TEST_SCALE: '5' }));
  });
  test('randomized model test', () => {
    clean(run(native, buildProgram(native, 'model_test', 'asan', flags), ['3000', '1'], env));
  });
  test('many coroutines (smaller scale)', () => {
    clean(run(native, buildProgram(native, 'many_test', 'asan', flags), ['5000'], env));
  });
});

(have('valgrind') ? describe : describe.skip)(`valgrind (${isa})`, () => {
  const vg = ['valgrind', '--error-exitcode=1', '--leak-check=full', '--show-leak-kinds=definite,indirect,possible', '--errors-for-leak-kinds=definite,indirect,possible'];
  const clean = (r: ReturnType<typeof run>) => {
    expectSuccess(r);
    expect(r.stderr).toMatch(/ERROR SUMMARY: 0 errors/);
    // an unregistered stack switch would show up as this warning
    expect(r.stderr).not.toMatch(/client switching stacks|Invalid (read|write)|uninitialised/);
  };

  test('scenario tests', () => {
    clean(run(native, buildProgram(native, 'runtime_test', 'vg'), [], { SY_TEST_SCALE: '10' }, vg));
  });
  test('randomized model test', () => {
    clean(run(native, buildProgram(native, 'model_test', 'vg'), ['1000', '1'], {}, vg));
  });
  test('many coroutines (smaller scale)', () => {
    clean(run(native, buildProgram(native, 'many_test', 'vg'), ['3000'], {}, vg));
  });
});

describe('build', () => {
  test('cmake builds switchyard_runtime on its own with no warnings', () => {
    const dir = path.join(BUILD_DIR, 'cmake-runtime');
    fs.rmSync(dir, { recursive: true, force: true });
    const configure = spawnSync('cmake', ['-S', ROOT, '-B', dir], { encoding: 'utf8' });
    if (configure.status !== 0) throw new Error(describeRun(configure));
    const build = spawnSync('cmake', ['--build', dir, '--target', 'switchyard_runtime'], { encoding: 'utf8' });
    if (build.status !== 0) throw new Error(describeRun(build));
    expect(build.stdout + build.stderr).not.toMatch(/warning/i);
    expect(fs.existsSync(path.join(dir, 'libswitchyard_runtime.a'))).toBe(true);
  });

  test('switchyard.h compiles as C++ (extern "C") with no warnings', () => {
    const out = execFileSync(
      'g++',
      ['-std=c++17', '-Wall', '-Wextra', '-Werror', '-fsyntax-only', `-I${path.join(ROOT, 'native', 'include')}`, '-x', 'c++', '-'],
      { input: '#include <switchyard.h>\nextern "C" int (*probe)(sy_stack *, size_t);\nint (*probe)(sy_stack *, size_t) = sy_stack_alloc;\n', encoding: 'utf8' },
    );
    expect(out).toBe('');
  });
});
