/**
 * Every example in the README is run: a fenced block preceded by
 * `<!-- example: NAME ... -->` is extracted and executed here.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { buildC, hostTarget, ROOT, runBinary, switcherSources } from './helpers/toolchain';

function example(name: string): { lang: string; code: string } {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const m = readme.match(new RegExp(`<!-- example: ${name}\\b[^>]*-->\\s*\`\`\`(\\w+)\\n([\\s\\S]*?)\`\`\``));
  if (!m) throw new Error(`README has no example named ${name}`);
  return { lang: m[1], code: m[2] };
}

const runtimeSources = () =>
  fs
    .readdirSync(path.join(ROOT, 'native', 'src'))
    .filter((f) => f.endsWith('.c'))
    .map((f) => path.join(ROOT, 'native', 'src', f));

test('README: the C runtime example compiles and prints what it says', () => {
  const { lang, code } = example('c-runtime');
  expect(lang).toBe('c');
  const t = hostTarget(); // a reader builds it with their gcc, for their machine
  const dir = path.join(ROOT, 'build-test', 'readme');
  fs.mkdirSync(dir, { recursive: true });
  const src = path.join(dir, 'c-runtime.c');
  fs.writeFileSync(src, code);
  const bin = buildC(t, { sources: [src, ...runtimeSources(), ...switcherSources(t)], out: 'readme-c-runtime' });
  const r = runBinary(t, bin);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toBe('got 1\ngot 2\ngot 3\nrun: SY_OK: success\n');
});

function output(name: string): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const m = readme.match(new RegExp(`<!-- output: ${name} -->\\s*\`\`\`\\n([\\s\\S]*?)\`\`\``));
  if (!m) throw new Error(`README has no output block named ${name}`);
  return m[1];
}

test('README: the Node example prints the output the README shows', () => {
  const { lang, code } = example('node');
  expect(lang).toBe('js');
  const dir = path.join(ROOT, 'build-test', 'readme-node');
  // a project that depends on this package, as a user's would
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  const link = path.join(dir, 'node_modules', 'switchyard');
  if (!fs.existsSync(link)) fs.symlinkSync(ROOT, link, 'dir');
  fs.writeFileSync(path.join(dir, 'example.js'), code);
  const r = spawnSync(process.execPath, ['example.js'], { cwd: dir, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toBe(output('node'));
});

test("README: the fibers example runs unchanged with the shim installed as `fibers`", () => {
  const { lang, code } = example('fibers');
  expect(lang).toBe('js');
  const dir = path.join(ROOT, 'build-test', 'readme-fibers');
  const modules = path.join(dir, 'node_modules');
  fs.mkdirSync(modules, { recursive: true });
  const link = path.join(modules, 'switchyard');
  if (!fs.existsSync(link)) fs.symlinkSync(ROOT, link, 'dir');
  // packages/switchyard-fibers as `npm install fibers@npm:switchyard-fibers` lays it out
  // (a copy: through a symlink, its require('switchyard/...') would look beside the repo)
  const shim = path.join(ROOT, 'packages', 'switchyard-fibers');
  fs.rmSync(path.join(modules, 'fibers'), { recursive: true, force: true });
  fs.cpSync(shim, path.join(modules, 'fibers'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'example.js'), code);
  const r = spawnSync(process.execPath, ['example.js'], { cwd: dir, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toBe(output('fibers'));
});
