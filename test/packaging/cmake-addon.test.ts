/**
 * CMakeLists.txt (cmake-js) builds the addon binding.gyp (node-gyp) builds.
 * Both compile native/addon/sources.gypi's list plus the switcher for the
 * target arch; here the two builds are compared file by file, with each
 * file's defines, include dirs and -std/-O/-W/-f flags, against the makefile
 * node-gyp generates: for the machine's arch and the cross build for the
 * other of x64 / arm64 (cmake-js --arch arm64 with aarch64-linux-gnu-g++ on
 * x64, --arch x64 with x86_64-linux-gnu-g++ on arm64) on Node 20 headers,
 * both built, each addon then running a fiber (the machine's here, the other
 * under qemu); and configure-only on Node 22, 24 and 26 headers of both
 * arches, whose C++ flags and V8 feature defines differ. The cmake-js builds
 * go to a scratch dir, never build/ (node-gyp-build's place); node-gyp only
 * configures, in a staged copy, so build/ is left alone.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { cachedNode, haveCommand, ROOT, runOk, tempDir } from './helpers';

type Arch = 'x64' | 'arm64';
type Lang = 'c' | 'cxx' | 'asm';
/** what decides the object code, besides the file: effective -D names, -I dirs, -std/-O/-W/-f flags */
interface View { defines: string[]; includes: string[]; flags: string[] }

/** the Debian cross compilers and qemu-user binary for each arch, used when it is not the machine's */
// eslint-disable-next-line @typescript-eslint/no-var-requires
const CROSS_TOOLS: Record<Arch, { prefix: string; qemu: string }> = require('../../scripts/targets').CROSS_TOOLCHAINS;
// the machine's compilers build the machine's addon (also when this node is an emulated one)
// eslint-disable-next-line @typescript-eslint/no-var-requires
const HOST: string = require('../../scripts/targets').hostArch();
const HOST_OK = process.platform === 'linux' && HOST in CROSS_TOOLS && haveCommand('cmake');
const NATIVE = HOST as Arch;
const OTHER: Arch = HOST === 'arm64' ? 'x64' : 'arm64';
const CROSS = haveCommand(`${CROSS_TOOLS[OTHER].prefix}gcc`) && haveCommand(`${CROSS_TOOLS[OTHER].prefix}g++`);
const QEMU = haveCommand(CROSS_TOOLS[OTHER].qemu);
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);
const NODE_VERSION = { [NATIVE]: process.versions.node, [OTHER]: '20' } as Record<Arch, string>;

/** a .gyp/.gypi file as gyp reads it: a Python literal (comments, trailing commas allowed) */
function readGyp(file: string) {
  const code = 'import ast, json, sys; print(json.dumps(ast.literal_eval(open(sys.argv[1]).read())))';
  return JSON.parse(runOk('python3', ['-c', code, file], ROOT).stdout);
}

const langOf = (file: string): Lang => (file.endsWith('.c') ? 'c' : /\.(cc|cpp)$/.test(file) ? 'cxx' : 'asm');
const uniq = (xs: string[]) => [...new Set(xs)].sort();
const realDir = (d: string) => (fs.existsSync(d) ? fs.realpathSync(d) : null);

/** a compiler command line's View; -U undoes an earlier -D (CMake's Release -DNDEBUG) */
function view(args: string[], ignoreDefine: (name: string) => boolean): View {
  const defines = new Set<string>();
  for (const a of args) {
    if (a.startsWith('-D')) defines.add(a.slice(2));
    else if (a.startsWith('-U')) for (const d of [...defines]) if (d.split('=')[0] === a.slice(2)) defines.delete(d);
  }
  return {
    defines: uniq([...defines].filter((d) => !ignoreDefine(d))),
    includes: uniq(args.filter((a) => a.startsWith('-I')).map((a) => realDir(a.slice(2))).filter((d): d is string => d !== null)),
    flags: uniq(args.filter((a) => /^-(std=|O\d|W|f)/.test(a))),
  };
}

/** node-gyp's build: configure binding.gyp (a staged copy) and read the generated target makefile */
function nodeGypBuild(stage: string, arch: Arch, nodedir: string) {
  fs.rmSync(path.join(stage, 'build'), { recursive: true, force: true });
  runOk(process.execPath, [bin('node-gyp'), 'configure', `--arch=${arch}`], stage, { ...process.env, npm_config_nodedir: nodedir });
  const mk = fs.readFileSync(path.join(stage, 'build', 'switchyard.target.mk'), 'utf8');
  const vars: Record<string, string[]> = {};
  for (const m of mk.matchAll(/^(\w+) :=((?:.*\\\n)*.*)$/gm)) {
    if (vars[m[1]]) continue;
    vars[m[1]] = m[2]
      .replace(/\\\n/g, ' ')
      .split(/\s+/)
      .filter(Boolean)
      .map((a) => a.replace(/^'(.*)'$/, '$1').replace('$(srcdir)', stage));
  }
  // the object names drop the extension: match them to the staged sources
  const files = vars.OBJS.map((o) => {
    const stem = o.replace('$(obj).target/$(TARGET)/', '').replace(/\.o$/, '');
    const dir = path.join(stage, path.dirname(stem));
    const hits = fs.readdirSync(dir).filter((f) => /\.(c|cc|cpp|S)$/.test(f) && f.replace(/\.[^.]+$/, '') === path.basename(stem));
    if (hits.length !== 1) throw new Error(`node-gyp object ${o}: sources ${JSON.stringify(hits)}`);
    return `${path.dirname(stem)}/${hits[0]}`;
  });
  // node's own build settings that reach every addon, unused by this one
  const ignore = (d: string) => /^(OPENSSL_|_GLIBCXX_USE_CXX11_ABI=)/.test(d);
  const langs: Record<Lang, string[]> = {
    c: [...vars.CFLAGS_Release, ...vars.CFLAGS_C_Release],
    cxx: [...vars.CFLAGS_Release, ...vars.CFLAGS_CC_Release],
    asm: [...vars.CFLAGS_Release, ...vars.CFLAGS_C_Release],
  };
  const views = Object.fromEntries(
    files.map((f) => [f, view([...vars.DEFS_Release, ...vars.INCS_Release, ...langs[langOf(f)]], ignore)]),
  );
  return { files: uniq(files), views };
}

/** cmake-js's build (or only configure) of CMakeLists.txt's addon target into out; its compile commands */
function cmakeJsBuild(out: string, arch: Arch, nodedir: string, command: 'build' | 'configure' = 'build') {
  const args = [bin('cmake-js'), command, '-d', ROOT, '--out', out, '--arch', arch, '--target', 'switchyard', '-p', '2', '-l', 'warn'];
  args.push('--CDCMAKE_EXPORT_COMPILE_COMMANDS=ON');
  // an --arch other than the machine's alone makes it a cross build (CMakeLists.txt sets the target processor); only the compilers are given
  if (arch !== NATIVE) args.push('--cc', `${CROSS_TOOLS[arch].prefix}gcc`, '--cxx', `${CROSS_TOOLS[arch].prefix}g++`);
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_nodedir: nodedir };
  delete env.CC;
  delete env.CXX;
  runOk(process.execPath, args, ROOT, env);
  const commands: { file: string; command: string }[] = JSON.parse(fs.readFileSync(path.join(out, 'compile_commands.json'), 'utf8'));
  const ours = commands.filter((c) => c.command.includes('CMakeFiles/switchyard.dir/'));
  const rel = (f: string) => path.relative(ROOT, f);
  const ignore = (d: string) => d === 'switchyard_EXPORTS'; // CMake's own, for dllexport
  const views = Object.fromEntries(ours.map((c) => [rel(c.file), view(c.command.split(/\s+/), ignore)]));
  return { files: uniq(ours.map((c) => rel(c.file))), views, addon: path.join(out, 'Release', 'switchyard.node') };
}

/** resume/yield through the addon in a child node of its arch */
function runFiber(addon: string, arch: Arch) {
  const code = `
    const b = require(${JSON.stringify(addon)});
    const seen = [];
    const f = new b.NativeFiber((v) => {
      seen.push(v);
      const w = b.yield(v + 1);
      seen.push(w);
      return b.NativeFiber.yield(w + 1) * 2;
    });
    const out = [f.resume(1), f.resume(10), f.resume(100)];
    console.log(JSON.stringify({ out, seen, state: f.state, arch: process.arch, inFiber: b.inFiber() }));`;
  // that arch's cached node, by the machine's arch (not process.arch, which an emulated jest changes)
  const node = cachedNode(arch, NODE_VERSION[arch]).argv;
  const r = spawnSync(node[0], [...node.slice(1), '-e', code], { encoding: 'utf8', timeout: 120000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string);
}

describe('one source list for node-gyp and cmake-js', () => {
  test("binding.gyp compiles native/addon/sources.gypi's list, which names every .cc under native/addon", () => {
    const gyp = readGyp(path.join(ROOT, 'binding.gyp'));
    expect(gyp.includes).toEqual(['native/addon/sources.gypi']);
    const target = gyp.targets.find((t: { target_name: string }) => t.target_name === 'switchyard');
    expect(target.sources).toEqual(['<@(switchyard_addon_sources)']);
    expect(target.defines).toEqual(['<@(switchyard_addon_defines)']);
    const listed: string[] = readGyp(path.join(ROOT, 'native', 'addon', 'sources.gypi')).variables.switchyard_addon_sources;
    const cc = (fs.readdirSync(path.join(ROOT, 'native', 'addon'), { recursive: true }) as string[])
      .filter((f) => f.endsWith('.cc'))
      .map((f) => `native/addon/${f.split(path.sep).join('/')}`);
    expect(cc.filter((f) => !listed.includes(f))).toEqual([]); // add it to native/addon/sources.gypi
    expect(listed.filter((f) => !fs.existsSync(path.join(ROOT, f)))).toEqual([]);
  });
});

(HOST_OK ? describe : describe.skip)('cmake-js builds the addon binding.gyp builds', () => {
  let work: string;
  let stage: string;

  beforeAll(() => {
    work = tempDir('cmake-addon');
    // binding.gyp and native/ as scripts/prebuild.js stages them: node-gyp configure writes build/ there
    stage = path.join(work, 'gyp');
    fs.mkdirSync(stage);
    fs.cpSync(path.join(ROOT, 'binding.gyp'), path.join(stage, 'binding.gyp'));
    fs.cpSync(path.join(ROOT, 'native'), path.join(stage, 'native'), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(stage, 'node_modules'));
  });
  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  /** the same files (the staged copy mapped back to the repo), each with the same compile settings */
  function expectSameCompiles(cmake: { files: string[]; views: Record<string, View> }, gyp: { files: string[]; views: Record<string, View> }, arch: Arch) {
    const toRepo = (v: View): View => ({ ...v, includes: uniq(v.includes.map((d) => d.replace(fs.realpathSync(stage), ROOT))) });
    expect(cmake.files).toEqual(gyp.files);
    const switcher = arch === 'x64' ? 'x86_64_sysv' : 'aarch64_aapcs64';
    expect(cmake.files).toEqual(expect.arrayContaining([`native/gen/context_${switcher}.S`, `native/gen/context_make_${switcher}.c`]));
    for (const f of cmake.files) {
      if (langOf(f) === 'asm') continue; // flags mean little to the assembler, and CMake passes it no -fvisibility
      expect({ file: f, ...cmake.views[f] }).toEqual({ file: f, ...toRepo(gyp.views[f]) });
    }
  }

  // the C++ flags come from each Node's common.gypi: gnu++17 up to 22, gnu++20 and -fno-strict-aliasing later;
  // V8 feature defines from its rules on the build's config.gypi (V8_ENABLE_WEBASSEMBLY from 24.22, arm64's pinned 24)
  for (const arch of [NATIVE, OTHER]) {
    for (const [major, std] of [['22', '17'], ['24', '20'], ['26', '20']]) {
      (arch === OTHER && !CROSS ? test.skip : test)(`${arch}, Node ${major} headers (configure only): the same compile settings, gnu++${std}`, () => {
        const nodedir = cachedNode(arch, major).dir;
        const gyp = nodeGypBuild(stage, arch, nodedir);
        const cmake = cmakeJsBuild(path.join(work, `cmake-${arch}-${major}`), arch, nodedir, 'configure');
        expectSameCompiles(cmake, gyp, arch);
        expect(cmake.views['native/addon/addon.cc'].flags).toContain(`-std=gnu++${std}`);
      });
    }
  }

  for (const arch of [NATIVE, OTHER]) {
    (arch === OTHER && !CROSS ? test.skip : test)(`${arch}: same files, defines, include dirs and flags as node-gyp; a fiber runs`, () => {
      const nodedir = cachedNode(arch, NODE_VERSION[arch]).dir;
      const gyp = nodeGypBuild(stage, arch, nodedir);
      const cmake = cmakeJsBuild(path.join(work, `cmake-${arch}`), arch, nodedir);

      expectSameCompiles(cmake, gyp, arch);

      expect(path.relative(ROOT, cmake.addon).startsWith('..')).toBe(true); // outside build/ and prebuilds/
      const elf = runOk('readelf', ['-h', cmake.addon], ROOT).stdout;
      expect(elf).toMatch(/Type:\s+DYN/);
      expect(elf).toMatch(arch === 'x64' ? /Machine:\s+Advanced Micro Devices X86-64/ : /Machine:\s+AArch64/);

      if (arch === OTHER && !QEMU) return;
      expect(runFiber(cmake.addon, arch)).toEqual({ out: [2, 11, 200], seen: [1, 10], state: 3, arch, inFiber: false });
    });
  }
});
