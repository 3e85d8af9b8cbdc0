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

// ---- links: the README and docs/ point only at files of this repository ----

const docFiles = (): string[] => [
  'README.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join('docs', f)),
];

/** Markdown text outside fenced code blocks. */
function prose(md: string): string {
  return md.replace(/^```[\s\S]*?^```/gm, '');
}

/** The anchors GitHub gives a file's headings (lowercase, punctuation dropped, spaces to hyphens). */
function anchors(md: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of prose(md).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = m[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

describe.each(docFiles())('%s', (file) => {
  const md = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const links = [...prose(md).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);

  test('every relative link names a file of this repository (and a heading there, with #)', () => {
    const bad: string[] = [];
    for (const link of links) {
      if (/^https?:\/\//.test(link)) continue;
      const [target, anchor] = link.split('#');
      const abs = target ? path.resolve(ROOT, path.dirname(file), target) : path.join(ROOT, file);
      if (path.relative(ROOT, abs).startsWith('..') || !fs.existsSync(abs)) {
        bad.push(`${link}: no such file in the repository`);
      } else if (anchor !== undefined && abs.endsWith('.md') && !anchors(fs.readFileSync(abs, 'utf8')).has(anchor)) {
        bad.push(`${link}: no heading with that anchor`);
      }
    }
    expect(bad).toEqual([]);
  });

  test('mentions nothing outside the repository', () => {
    expect(md).not.toMatch(/\.\.\/shared|\/work\//);
  });

  if (file.startsWith('docs')) {
    test('starts with a title and a paragraph saying what it covers', () => {
      expect(md).toMatch(/^# \S.*\n\n[A-Za-z`][^\n]*\n/);
    });
  }
});
