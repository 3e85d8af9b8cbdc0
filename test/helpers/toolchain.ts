/**
 * Builds C/assembly test programs for each target we support and runs them:
 * the machine's own target (x86-64 on an x64 machine, AArch64 on an arm64
 * one) with plain `gcc`, natively; the others with the cross compiler
 * `<triple>-gcc`, statically linked, under qemu-user. Every native test
 * (switcher harness, runtime tests) goes through here so that adding a
 * target is one entry in ISAS.
 *
 * riscv32 has no C library on this machine kind (Debian ships none for
 * RV32): its programs are built freestanding with Debian's riscv64 cross gcc
 * (GCC's RISC-V back end emits RV32 code given -march=rv32... -mabi=ilp32d)
 * and linked with the test shim in test/native/freestanding/libc (entry point,
 * TLS set-up, raw Linux system calls, printf, a static malloc arena, the
 * 64-bit divisions libgcc would supply).
 */
import { execFileSync, spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const GEN_DIR = path.join(ROOT, 'native', 'gen');
export const INCLUDE_DIR = path.join(ROOT, 'native', 'include');
/** outside build/, which node-gyp rebuild deletes wholesale */
export const BUILD_DIR = path.join(ROOT, 'build-test');
/** the freestanding C library stand-in that riscv32 programs link (see above) */
export const FREESTANDING_DIR = path.join(ROOT, 'test', 'native', 'freestanding', 'libc');

export interface Target {
  /** the name used in file names and test titles */
  name: 'x86_64' | 'aarch64' | 'riscv64' | 'riscv32' | 'ppc64le' | 's390x' | 'i386' | 'mips64el' | 'armhf' | 'armhf-arm' | 'win64';
  /** the ABI spec id whose generated switcher this target links */
  abi: string;
  /** stem of the per-ISA test assembly (regcheck_<asm>.S): armhf's Thumb and ARM builds share one */
  asm: string;
  cc: string;
  /** extra compiler flags for every build on this target */
  flags: string[];
  /** prefix that runs a binary of this target on this machine (empty: native): qemu-user and its options, or wine */
  runner: string[];
  /** runs under wine: runBinary gives it the session's quiet, private WINEPREFIX (see wineEnv) */
  wine?: true;
  /** built without a C library: every program also links these sources (the shim's libc stand-in) */
  support?: string[];
}

/** what each target is, wherever it runs */
interface Isa {
  name: Target['name'];
  abi: string;
  /** regcheck_<asm>.S, when not named after the target */
  asm?: string;
  /** the Debian cross toolchain prefix and the qemu-user binary for it */
  triple: string;
  qemu: string;
  /** the machine's architecture as Node names it (process.arch) */
  nodeArch: string;
  flags: string[];
  /** options for the qemu-user runner (e.g. -cpu) */
  qemuArgs?: string[];
  /** no C library for this target here: build freestanding against the test shim */
  freestanding?: true;
}

const ISAS: Isa[] = [
  { name: 'x86_64', abi: 'x86_64-sysv', triple: 'x86_64-linux-gnu', qemu: 'qemu-x86_64-static', nodeArch: 'x64', flags: [] },
  {
    name: 'aarch64',
    abi: 'aarch64-aapcs64',
    triple: 'aarch64-linux-gnu',
    qemu: 'qemu-aarch64-static',
    nodeArch: 'arm64',
    flags: ['-mbranch-protection=standard'],
  },
  { name: 'riscv64', abi: 'riscv64-lp64d', triple: 'riscv64-linux-gnu', qemu: 'qemu-riscv64-static', nodeArch: 'riscv64', flags: [] },
  // RV32 with D (rv32imafdc, ilp32d), compiled by the riscv64 cross gcc; nodeArch: Node has no riscv32 build, so never the host
  {
    name: 'riscv32',
    abi: 'riscv32-ilp32d',
    triple: 'riscv64-linux-gnu',
    qemu: 'qemu-riscv32-static',
    nodeArch: 'riscv32',
    flags: ['-march=rv32imafdc', '-mabi=ilp32d'],
    freestanding: true,
  },
  { name: 'ppc64le', abi: 'ppc64le-elfv2', triple: 'powerpc64le-linux-gnu', qemu: 'qemu-ppc64le-static', nodeArch: 'ppc64', flags: [] },
  { name: 's390x', abi: 's390x-elf', triple: 's390x-linux-gnu', qemu: 'qemu-s390x-static', nodeArch: 's390x', flags: [] },
  // Debian's i686 baseline: x87 math, no SSE (the SSE build of the harness adds -msse2)
  { name: 'i386', abi: 'i386-sysv', triple: 'i686-linux-gnu', qemu: 'qemu-i386-static', nodeArch: 'ia32', flags: [] },
  // qemu 7.2's default CPU for n64 binaries (5KEf) ignores every write to FCSR: run on the generic MIPS64r2 model
  {
    name: 'mips64el',
    abi: 'mips64el-n64',
    triple: 'mips64el-linux-gnuabi64',
    qemu: 'qemu-mips64el-static',
    qemuArgs: ['-cpu', 'MIPS64R2-generic'],
    nodeArch: 'mips64el',
    flags: [],
  },
  // armhf twice: Thumb-2 (the compiler's default, stated) and ARM code; the switcher is the same
  // ARM-code object in both, so every call into it and every return from it interworks in one of them
  { name: 'armhf', abi: 'armhf-aapcs-vfp', triple: 'arm-linux-gnueabihf', qemu: 'qemu-arm-static', nodeArch: 'arm', flags: ['-mthumb'] },
  { name: 'armhf-arm', abi: 'armhf-aapcs-vfp', asm: 'armhf', triple: 'arm-linux-gnueabihf', qemu: 'qemu-arm-static', nodeArch: 'arm', flags: ['-marm'] },
];

/**
 * The machine's architecture (Node's name for it). Under an emulated node
 * (the arm64 suite on x64, scripts/jest-on-node.js) process.arch is the
 * emulated one; the runner passes the machine's as SWITCHYARD_HOST_ARCH.
 */
// eslint-disable-next-line @typescript-eslint/no-var-requires
export const HOST_ARCH: string = require('../../scripts/targets').hostArch();

/**
 * The machine's target builds with `gcc` and runs directly; a foreign one
 * builds with its cross compiler, statically (qemu-user then needs no
 * sysroot), and runs under qemu-user.
 */
function targetFor(isa: Isa): Target {
  const asm = isa.asm ?? isa.name;
  if (isa.nodeArch === HOST_ARCH) return { name: isa.name, abi: isa.abi, asm, cc: 'gcc', flags: [...isa.flags], runner: [] };
  const cc = `${isa.triple}-gcc`;
  const runner = [isa.qemu, ...(isa.qemuArgs ?? [])];
  if (isa.freestanding) return { name: isa.name, abi: isa.abi, asm, cc, flags: [...isa.flags, ...freestandingFlags(cc)], runner, support: freestandingSources() };
  return { name: isa.name, abi: isa.abi, asm, cc, flags: ['-static', ...isa.flags], runner };
}

/**
 * Flags of a freestanding build: no system headers or start files (the
 * riscv64 cross gcc's own would be for RV64 glibc), only the compiler's
 * headers (stddef, stdint, stdarg) and the shim's; --no-relax because no
 * start file sets gp, which linker relaxation would address data through;
 * no loop-to-memcpy rewriting, which would turn the shim's memcpy into a
 * call to itself.
 */
function freestandingFlags(cc: string): string[] {
  const r = spawnSync(cc, ['-print-file-name=include'], { encoding: 'utf8' });
  const compilerInclude = r.status === 0 ? r.stdout.trim() : 'include';
  return [
    '-static', '-nostdlib', '-nostdinc', '-ffreestanding', '-fno-tree-loop-distribute-patterns',
    '-isystem', compilerInclude, '-isystem', path.join(FREESTANDING_DIR, 'include'), '-Wl,--no-relax',
  ];
}

function freestandingSources(): string[] {
  return fs
    .readdirSync(FREESTANDING_DIR)
    .filter((f) => f.endsWith('.c') || f.endsWith('.S'))
    .sort()
    .map((f) => path.join(FREESTANDING_DIR, f));
}

/** the Linux targets: every native test (switcher harness, C runtime) runs on each */
export const TARGETS: Target[] = ISAS.map(targetFor);

/**
 * x86-64 Windows: built with mingw-w64 (static, so wine needs no mingw
 * DLLs) and run under wine64. Only the switcher's own tests run here (the C
 * runtime's tests are POSIX programs).
 */
export const WIN64: Target = {
  name: 'win64',
  abi: 'x86_64-win64',
  asm: 'win64',
  cc: 'x86_64-w64-mingw32-gcc',
  flags: ['-static'],
  runner: [wineLoader()],
  wine: true,
};

/** every target the switcher harness runs on */
export const SWITCHER_TARGETS: Target[] = [...TARGETS, WIN64];

/**
 * Debian's wine64 package installs the loader as /usr/lib/wine/wine64 (the
 * `wine64` command comes with the `wine` package, a recommends); WineHQ's
 * packages put wine64 on PATH.
 */
function wineLoader(): string {
  const onPath = spawnSync('sh', ['-c', 'command -v wine64'], { encoding: 'utf8' });
  if (onPath.status === 0) return onPath.stdout.trim();
  return '/usr/lib/wine/wine64';
}

interface WineSession {
  env: NodeJS.ProcessEnv;
  prefix: string;
  /** seconds the prefix took to create (wine's first start) */
  firstStartSeconds: number;
}
let wine: WineSession | undefined;

/**
 * The environment for wine runs in this process: WINEDEBUG=-all (quiet) and
 * a WINEPREFIX of its own in a temporary directory, created on first use
 * (wineboot: wine's first start, several seconds) with a wineserver kept
 * alive until the process exits, then stopped and the prefix removed. No
 * run touches ~/.wine.
 */
export function wineEnv(): NodeJS.ProcessEnv {
  if (wine) return wine.env;
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-wine-'));
  const env: NodeJS.ProcessEnv = { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=', DISPLAY: '' };
  const server = path.join(path.dirname(wineLoader()), 'wineserver');
  const started = Date.now();
  // -p: stay up between the runs (a cold wineserver costs seconds per run)
  spawnSync(fs.existsSync(server) ? server : 'wineserver', ['-p'], { env, stdio: 'ignore' });
  // no pipes: the wine services wineboot starts would hold them open for as long as they live
  const boot = spawnSync(wineLoader(), ['wineboot', '--init'], { env, stdio: 'ignore', timeout: 120000 });
  if (boot.status !== 0) throw new Error(`wine's first start (wineboot --init in ${prefix}) failed: status ${boot.status} ${boot.error ?? ''}`);
  wine = { env, prefix, firstStartSeconds: (Date.now() - started) / 1000 };
  process.on('exit', disposeWine);
  return env;
}

/** stops this process's wineserver and removes its prefix (also done at exit) */
export function disposeWine(): void {
  if (!wine) return;
  const server = path.join(path.dirname(wineLoader()), 'wineserver');
  spawnSync(fs.existsSync(server) ? server : 'wineserver', ['-k'], { env: wine.env, stdio: 'ignore' });
  fs.rmSync(wine.prefix, { recursive: true, force: true });
  wine = undefined;
}

/** how long this process's wine prefix took to create, once wineEnv() has run */
export function wineFirstStartSeconds(): number | undefined {
  return wine?.firstStartSeconds;
}

/** the target this machine runs natively (x86_64 on x64, aarch64 on arm64) */
export function hostTarget(): Target {
  const t = TARGETS.find((x) => x.runner.length === 0);
  if (!t) throw new Error(`no native target for this machine (${HOST_ARCH}); known: ${ISAS.map((i) => i.nodeArch).join(', ')}`);
  return t;
}

export function target(name: Target['name']): Target {
  const t = TARGETS.find((x) => x.name === name);
  if (!t) throw new Error(`unknown target ${name}`);
  return t;
}

/** file-name stem the generator uses for an ABI id: x86_64-sysv -> x86_64_sysv */
export function abiStem(abi: string): string {
  return abi.replace(/-/g, '_');
}

/** the generated switcher sources (assembly + makecontext C) for a target */
export function switcherSources(t: Target): string[] {
  const stem = abiStem(t.abi);
  return [path.join(GEN_DIR, `context_${stem}.S`), path.join(GEN_DIR, `context_make_${stem}.c`)];
}

/**
 * SWITCHYARD_STRICT_SKIP=1 (CI sets it): a target whose toolchain is
 * missing fails its tests instead of skipping them (CI installs them all).
 */
export const STRICT_SKIP = process.env.SWITCHYARD_STRICT_SKIP === '1';

/** why a target's tests cannot run here (the missing commands), or null when they can */
export function missingToolchain(t: Target, extra: string[] = []): string | null {
  const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
  const missing = [t.cc, ...t.runner.slice(0, 1), ...extra].filter((c) => !have(c));
  return missing.length ? `not installed: ${missing.join(', ')}` : null;
}

/** true when the compiler and (for foreign targets) the qemu runner are installed */
export function targetAvailable(t: Target): boolean {
  const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
  return have(t.cc) && t.runner.slice(0, 1).every(have);
}

export interface BuildOptions {
  sources: string[];
  /** output binary name, placed under build/test/<target>/ */
  out: string;
  flags?: string[];
  includes?: string[];
}

/** compiles and links; throws with the compiler's output on failure */
export function buildC(t: Target, opts: BuildOptions): string {
  const dir = path.join(BUILD_DIR, t.name);
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(dir, opts.out);
  const includes = [INCLUDE_DIR, GEN_DIR, ...(opts.includes ?? [])].map((i) => `-I${i}`);
  const args = ['-std=gnu11', '-O2', '-g', '-Wall', '-Wextra', '-Werror', ...t.flags, ...includes, ...(opts.flags ?? []), ...opts.sources, ...(t.support ?? []), '-o', out];
  try {
    execFileSync(t.cc, args, { stdio: 'pipe' });
  } catch (e) {
    const err = e as { stderr?: Buffer; stdout?: Buffer };
    throw new Error(`${t.cc} ${args.join(' ')}\n${err.stdout?.toString() ?? ''}${err.stderr?.toString() ?? ''}`);
  }
  return out;
}

/** runs a built binary (under qemu for foreign targets) and returns its exit status and output */
export function runBinary(t: Target, binary: string, args: string[] = [], timeoutMs = 240000): SpawnSyncReturns<string> {
  const [cmd, ...rest] = [...t.runner, binary, ...args];
  return spawnSync(cmd, rest, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20, ...(t.wine ? { env: wineEnv() } : {}) });
}

export interface CapturedBuild {
  /** the linked binary (or object, with -c in flags) */
  out: string;
  /** everything the compiler driver and the linker printed (warnings included) */
  output: string;
}

/**
 * Like buildC, but also returns what the compiler and linker printed on
 * success, for tests that assert on warnings (e.g. ld's --warn-execstack).
 */
export function buildCCapture(t: Target, opts: BuildOptions): CapturedBuild {
  const dir = path.join(BUILD_DIR, t.name);
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(dir, opts.out);
  const includes = [INCLUDE_DIR, GEN_DIR, ...(opts.includes ?? [])].map((i) => `-I${i}`);
  const args = ['-std=gnu11', '-O2', '-g', '-Wall', '-Wextra', '-Werror', ...t.flags, ...includes, ...(opts.flags ?? []), ...opts.sources, ...(t.support ?? []), '-o', out];
  const r = spawnSync(t.cc, args, { encoding: 'utf8' });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) throw new Error(`${t.cc} ${args.join(' ')}\n${output}`);
  return { out, output };
}

/** binutils tool of a target's toolchain (readelf, objdump, ...): aarch64-linux-gnu-readelf for aarch64-linux-gnu-gcc */
export function binutil(t: Target, tool: string): string {
  const m = /^(.*-)(?:gcc|cc|clang)$/.exec(t.cc);
  return m ? `${m[1]}${tool}` : tool;
}
