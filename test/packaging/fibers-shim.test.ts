/**
 * Moving from `fibers` the way the README says: `npm pack` switchyard and the
 * shim package (packages/switchyard-fibers), install both into a clean
 * directory with the shim under the name `fibers` (`fibers@file:<tarball>`,
 * as `fibers@npm:switchyard-fibers` does from the registry; switchyard's own
 * dependencies from the local npm cache, --prefer-offline as the other
 * packaging tests), and run an unchanged fibers program there.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { installPackages, pack, ROOT, tempDir } from './helpers';

const SHIM = path.join(ROOT, 'packages', 'switchyard-fibers');
const SUPPORTED = process.platform === 'linux' && ['x64', 'arm64'].includes(process.arch);
const prebuild = path.join('prebuilds', `${process.platform}-${process.arch}`, `switchyard.abi${process.versions.modules}.node`);
const haveRepoPrebuild = fs.existsSync(path.join(ROOT, prebuild));

// A program written for fibers: Fiber, Future.wait, a wrapped node-style callback.
const PROGRAM = `
var Fiber = require('fibers');
var Future = require('fibers/future');

function doubleLater(n, callback) {
  setTimeout(function () { callback(null, n * 2); }, 5);
}
function failLater(callback) {
  setImmediate(function () { callback(new Error('callback failed')); });
}
var doubled = Future.wrap(doubleLater);

Fiber(function () {
  var a = doubled(1), b = doubled(2);
  Future.wait(a, b);
  console.log('Future.wait: ' + a.get() + ' ' + b.get());
  console.log('wrapped: ' + doubled(21).wait());
  try {
    Future.wrap(failLater)().wait();
  } catch (e) {
    console.log('caught: ' + e.message);
  }
  var gen = Fiber(function (x) { return Fiber.yield(x + 1) * 10; });
  console.log('fiber: ' + gen.run(1) + ' ' + gen.run(5));
}).run();
console.log('main goes on');
`;

function packShim(dir: string): string {
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: SHIM, encoding: 'utf8' });
  const packed = JSON.parse(out.slice(out.indexOf('[')));
  expect(packed[0].files.map((f: { path: string }) => f.path).sort()).toEqual(
    ['README.md', 'fibers.d.ts', 'fibers.js', 'future.d.ts', 'future.js', 'package.json'].sort(),
  );
  return path.join(dir, packed[0].filename);
}

test("the shim depends on this switchyard's version", () => {
  const root = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const shim = JSON.parse(fs.readFileSync(path.join(SHIM, 'package.json'), 'utf8'));
  expect(shim.dependencies).toEqual({ switchyard: `^${root.version}` });
  expect(shim.version).toBe(root.version);
});

(SUPPORTED && haveRepoPrebuild ? describe : describe.skip)('an unchanged fibers program, with the shim installed as `fibers`', () => {
  let project: string;
  let install: ReturnType<typeof installPackages>;

  beforeAll(() => {
    const work = tempDir('fibers-shim');
    const switchyard = pack(work).tarball;
    const shim = packShim(work);
    project = path.join(work, 'consumer');
    install = installPackages([switchyard, `fibers@file:${shim}`], project, process.env.PATH ?? '');
  });

  test('npm installs both, the shim as node_modules/fibers', () => {
    expect({ status: install.status, stderr: install.stderr }).toEqual({ status: 0, stderr: expect.not.stringMatching(/ERR!|npm error/) });
    const manifest = JSON.parse(fs.readFileSync(path.join(project, 'node_modules', 'fibers', 'package.json'), 'utf8'));
    expect(manifest.name).toBe('switchyard-fibers');
    // one switchyard, shared by the shim and the project
    expect(fs.existsSync(path.join(project, 'node_modules', 'fibers', 'node_modules', 'switchyard'))).toBe(false);
  });

  test("require('fibers') and require('fibers/future') run it", () => {
    fs.writeFileSync(path.join(project, 'program.js'), PROGRAM);
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.PREBUILDS_ONLY; // as a user runs it
    delete env.NODE_PATH;
    const r = spawnSync(process.execPath, ['program.js'], { cwd: project, env, encoding: 'utf8' });
    expect({ stdout: r.stdout, stderr: r.stderr, status: r.status }).toEqual({
      stdout: ['main goes on', 'Future.wait: 2 4', 'wrapped: 42', 'caught: callback failed', 'fiber: 2 50', ''].join('\n'),
      stderr: '',
      status: 0,
    });
  });

  test("the installed `fibers` is switchyard's class, shared on process.fiberLib, typed", () => {
    const script = `
      const Fiber = require('fibers');
      console.log(JSON.stringify([
        Fiber === require('switchyard/fibers'),
        Fiber === process.fiberLib,
        require('fibers/future') === require('switchyard/future'),
        require.resolve('fibers').endsWith('node_modules/fibers/fibers.js'),
      ]));
    `;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: project, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([true, true, true, true]);
    for (const f of ['fibers.d.ts', 'future.d.ts']) expect(fs.existsSync(path.join(project, 'node_modules', 'fibers', f))).toBe(true);
    expect(fs.existsSync(path.join(project, 'node_modules', 'switchyard', 'dist', 'lib', 'fibers-compat', 'fibers.d.ts'))).toBe(true);
  });
});
