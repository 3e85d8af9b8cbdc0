/**
 * Another addon uses switchyard's C runtime as a native dependency, the way
 * users will: the packed switchyard is installed, then the fixture addon
 * (fixture-addon/) is built against it with node-gyp (switchyard.gyp) and with
 * cmake-js (native/cmake/switchyardConfig.cmake), for the machine's arch and
 * cross for the other of x64 / arm64. Its produceConsume(n) runs a producer
 * and a consumer coroutine joined by a channel, in C. The machine's builds
 * run here; the cross ones under qemu with that arch's node (fetched into
 * .cache/node).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { installTarball, pack, ROOT, tempDir } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { ensureNode } = require('../../scripts/fetch-node');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { hostArch, runnerFor, CROSS_TOOLCHAINS } = require('../../scripts/targets');

type Arch = 'x64' | 'arm64';
/** the Debian cross toolchain and qemu-user binary for each arch, used when it is not the machine's */
const CROSS_TOOLS: Record<Arch, { prefix: string; cpu: string; qemu: string }> = CROSS_TOOLCHAINS;
// the machine's compilers build the machine's addons (also when this node is an emulated one)
const HOST: string = hostArch();
const HOST_OK = process.platform === 'linux' && HOST in CROSS_TOOLS;
const OTHER: Arch = HOST === 'arm64' ? 'x64' : 'arm64';
const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const CROSS = have(`${CROSS_TOOLS[OTHER].prefix}gcc`) && have(CROSS_TOOLS[OTHER].qemu);
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);

interface Built { file: string; arch: Arch }

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

function crossEnv(arch: Arch, nodedir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_nodedir: nodedir };
  if (arch !== HOST) {
    const p = CROSS_TOOLS[arch].prefix;
    Object.assign(env, { CC: `${p}gcc`, CXX: `${p}g++`, LINK: `${p}g++`, AR: `${p}ar` });
  }
  return env;
}

function headersFor(arch: Arch): string {
  // the machine's arch: headers of this node's version; the cross build: Node 20's package (it also gives the node to run it)
  return arch === HOST ? ensureNode(arch, process.versions.node).dir : ensureNode(arch, '20').dir;
}

function buildGyp(src: string, arch: Arch): Built {
  run(process.execPath, [bin('node-gyp'), 'rebuild', `--arch=${arch}`], src, crossEnv(arch, headersFor(arch)));
  return { file: path.join(src, 'build', 'Release', 'sy_fixture.node'), arch };
}

function buildCmake(src: string, arch: Arch): Built {
  const args = [bin('cmake-js'), 'rebuild', '--arch', arch, '--out', `build-cmake-${arch}`, '-l', 'warn'];
  if (arch !== HOST) {
    const { prefix, cpu } = CROSS_TOOLS[arch];
    args.push('--cc', `${prefix}gcc`, '--cxx', `${prefix}g++`);
    args.push('--CDCMAKE_SYSTEM_NAME=Linux', `--CDCMAKE_SYSTEM_PROCESSOR=${cpu}`, `--CDCMAKE_ASM_COMPILER=${prefix}gcc`);
  }
  const env = crossEnv(arch, headersFor(arch));
  delete env.CC; delete env.CXX; // cmake-js gets its compilers from --cc/--cxx
  run(process.execPath, args, src, env);
  return { file: path.join(src, `build-cmake-${arch}`, 'Release', 'sy_fixture.node'), arch };
}

function runAddon(b: Built, n: number, cap: number) {
  const node = b.arch === process.arch ? [process.execPath] : runnerFor(b.arch, ensureNode(b.arch, '20').bin);
  const code = `console.log(JSON.stringify(require(${JSON.stringify(b.file)}).produceConsume(${n}, ${cap})))`;
  const r = spawnSync(node[0], [...node.slice(1), '-e', code], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout.trim());
}

(HOST_OK ? describe : describe.skip)('fixture addon built against the installed switchyard', () => {
  let src: string;

  beforeAll(() => {
    const work = tempDir('pkg-fixture');
    const { tarball } = pack(work);
    const install = installTarball(tarball, work, process.env.PATH as string);
    expect(install.status).toBe(0);
    // the fixture lives next to node_modules/switchyard, as a dependent package would
    src = path.join(work, 'fixture-addon');
    fs.cpSync(path.join(__dirname, 'fixture-addon'), src, { recursive: true });
  });

  const native = HOST as Arch;
  const cases: [string, Arch, (s: string, a: Arch) => Built][] = [
    ['node-gyp', native, buildGyp],
    ['cmake-js', native, buildCmake],
    ['node-gyp', OTHER, buildGyp],
    ['cmake-js', OTHER, buildCmake],
  ];
  for (const [tool, arch, build] of cases) {
    (arch === OTHER && !CROSS ? test.skip : test)(`${tool}, ${arch}: producer/consumer coroutines and a channel in C`, () => {
      const b = build(src, arch);
      const elf = fs.readFileSync(b.file);
      expect(elf.readUInt16LE(18)).toBe(arch === 'x64' ? 62 : 183); // EM_X86_64 / EM_AARCH64
      expect(runAddon(b, 1000, 0)).toEqual({ sum: 500500, received: 1000, arch });
      expect(runAddon(b, 100, 8)).toEqual({ sum: 5050, received: 100, arch });
    });
  }
});
