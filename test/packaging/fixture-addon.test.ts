/**
 * Another addon uses switchyard's C runtime as a native dependency, the way
 * users will: the packed switchyard is installed, then the fixture addon
 * (fixture-addon/) is built against it with node-gyp (switchyard.gyp) and with
 * cmake-js (native/cmake/switchyardConfig.cmake), for x64 and cross for arm64.
 * Its produceConsume(n) runs a producer and a consumer coroutine joined by a
 * channel, in C. The x64 builds run here; the arm64 ones under qemu with the
 * arm64 node (fetched into .cache/node).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { installTarball, pack, ROOT, tempDir } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { ensureNode } = require('../../scripts/fetch-node');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { hostArch, runnerFor } = require('../../scripts/targets');

// the machine's compilers build the x64 addons (also when this node is an emulated arm64 one)
const HOST_OK = process.platform === 'linux' && hostArch() === 'x64';
const have = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const CROSS = have('aarch64-linux-gnu-gcc') && have('qemu-aarch64-static');
const bin = (name: string) => path.join(ROOT, 'node_modules', '.bin', name);

interface Built { file: string; arch: 'x64' | 'arm64' }

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

function crossEnv(arch: 'x64' | 'arm64', nodedir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_nodedir: nodedir };
  if (arch === 'arm64') Object.assign(env, { CC: 'aarch64-linux-gnu-gcc', CXX: 'aarch64-linux-gnu-g++', LINK: 'aarch64-linux-gnu-g++', AR: 'aarch64-linux-gnu-ar' });
  return env;
}

function headersFor(arch: 'x64' | 'arm64'): string {
  // the host's headers for x64; the arm64 package's for the cross build (it also gives the node to run it)
  return arch === 'x64' ? ensureNode('x64', process.versions.node).dir : ensureNode('arm64', '20').dir;
}

function buildGyp(src: string, arch: 'x64' | 'arm64'): Built {
  run(process.execPath, [bin('node-gyp'), 'rebuild', `--arch=${arch}`], src, crossEnv(arch, headersFor(arch)));
  return { file: path.join(src, 'build', 'Release', 'sy_fixture.node'), arch };
}

function buildCmake(src: string, arch: 'x64' | 'arm64'): Built {
  const args = [bin('cmake-js'), 'rebuild', '--arch', arch, '--out', `build-cmake-${arch}`, '-l', 'warn'];
  if (arch === 'arm64') {
    args.push('--cc', 'aarch64-linux-gnu-gcc', '--cxx', 'aarch64-linux-gnu-g++');
    args.push('--CDCMAKE_SYSTEM_NAME=Linux', '--CDCMAKE_SYSTEM_PROCESSOR=aarch64', '--CDCMAKE_ASM_COMPILER=aarch64-linux-gnu-gcc');
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

  const cases: [string, 'x64' | 'arm64', (s: string, a: 'x64' | 'arm64') => Built][] = [
    ['node-gyp', 'x64', buildGyp],
    ['cmake-js', 'x64', buildCmake],
    ['node-gyp', 'arm64', buildGyp],
    ['cmake-js', 'arm64', buildCmake],
  ];
  for (const [tool, arch, build] of cases) {
    (arch === 'arm64' && !CROSS ? test.skip : test)(`${tool}, ${arch}: producer/consumer coroutines and a channel in C`, () => {
      const b = build(src, arch);
      const elf = fs.readFileSync(b.file);
      expect(elf.readUInt16LE(18)).toBe(arch === 'x64' ? 62 : 183); // EM_X86_64 / EM_AARCH64
      expect(runAddon(b, 1000, 0)).toEqual({ sum: 500500, received: 1000, arch });
      expect(runAddon(b, 100, 8)).toEqual({ sum: 5050, received: 100, arch });
    });
  }
});
