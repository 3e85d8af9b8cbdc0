/**
 * `npm install switchyard` needs no compiler on linux-x64 / linux-arm64: the
 * packed tarball, installed with a PATH that has no cc/gcc/g++/make/python3,
 * loads its addon from prebuilds/ and runs a fiber (and a channel).
 * Also run by `npm run test:arm64` with the arm64 node.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { compilerFreeBin, installTarball, pack, tempDir } from './helpers';

const SUPPORTED = process.platform === 'linux' && ['x64', 'arm64'].includes(process.arch);
const prebuild = path.join('prebuilds', `${process.platform}-${process.arch}`, `switchyard.abi${process.versions.modules}.node`);
const haveRepoPrebuild = fs.existsSync(path.join(__dirname, '..', '..', prebuild));

(SUPPORTED && haveRepoPrebuild ? describe : describe.skip)(`installed from the tarball without a compiler (${prebuild})`, () => {
  let work: string;
  let bin: string;
  let project: string;
  let files: string[];
  let install: ReturnType<typeof installTarball>;

  beforeAll(() => {
    work = tempDir('pkg-load');
    const packed = pack(work);
    files = packed.files;
    bin = compilerFreeBin(work);
    project = path.join(work, 'consumer');
    install = installTarball(packed.tarball, project, bin);
  });

  test('the tarball carries the prebuilds, the gyp files and the sources for a fallback build', () => {
    expect(files).toEqual(expect.arrayContaining([prebuild, 'prebuilds/manifest.json', 'binding.gyp', 'switchyard.gyp', 'native/addon/addon.cc', 'native/cmake/switchyardConfig.cmake', 'dist/lib/native-dependency.js']));
    expect(files.some((f) => f.startsWith('test/') || f.startsWith('.cache/'))).toBe(false);
  });

  test('the PATH used really has no compiler', () => {
    for (const tool of ['cc', 'gcc', 'g++', 'make', 'python3']) {
      expect(spawnSync('sh', ['-c', `command -v ${tool}`], { env: { PATH: bin } }).status).not.toBe(0);
    }
  });

  test('npm install succeeds without building', () => {
    expect(install.stderr).not.toMatch(/ERR!/);
    expect(install.status).toBe(0);
    expect(`${install.stdout}\n${install.stderr}`).not.toMatch(/building the addon from source|gyp info/);
    expect(fs.existsSync(path.join(project, 'node_modules', 'switchyard', 'build'))).toBe(false);
  });

  test('a fiber (and a channel) run from the installed package, with the addon from prebuilds/', () => {
    const pkg = path.join(project, 'node_modules', 'switchyard');
    const script = `
      const path = require('path');
      const pkg = ${JSON.stringify(pkg)};
      const loaded = path.relative(pkg, require('node-gyp-build').path(pkg));
      const { Fiber, fiberBackend } = require('switchyard/dist/lib/index.js');
      const f = new Fiber((a) => Fiber.yield(a + 1) * 2);
      const out = { loaded, backend: fiberBackend, fiber: [f.resume(1), f.resume(10), f.done] };
      let csp = null;
      try { csp = require.resolve('switchyard/dist/lib/csp.js'); } catch {}
      if (!csp) { console.log(JSON.stringify(out)); return; }
      const { Channel, Scheduler } = require(csp);
      const s = new Scheduler();
      const ch = new Channel(0);
      let sum = 0;
      s.spawn(() => { for (let i = 1; i <= 10; i++) ch.send(i); ch.close(); });
      s.spawn(() => { for (const v of ch) sum += v; });
      Promise.resolve(s.run()).then(() => { out.channelSum = sum; console.log(JSON.stringify(out)); },
        (e) => { out.channelError = String(e); console.log(JSON.stringify(out)); });
    `;
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: bin };
    delete env.PREBUILDS_ONLY; // the installed package has no build/ anyway: prove it does not need the flag
    const r = spawnSync('node', ['-e', `(function(){${script}})()`], { cwd: project, env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout.trim().split('\n').pop() as string);
    expect(out.loaded).toBe(prebuild);
    expect(out.backend).toBe('tls');
    expect(out.fiber).toEqual([2, 20, true]);
    if (files.includes('dist/lib/csp.js')) expect(out).toMatchObject({ channelSum: 55 });
    expect(fs.existsSync(path.join(pkg, 'build'))).toBe(false);
  });
});

if (!SUPPORTED || !haveRepoPrebuild) {
  test.skip(`no prebuild ${prebuild} in the repo (npm run prebuilds -- --only ${process.arch}-${process.versions.node.split('.')[0]})`, () => {});
}
