/**
 * scripts/fetch-node.js when several processes want the same Node at once
 * (jest workers do: two suites asked for Node 20 together and one CI run
 * failed), when an earlier install was cut short, and when npm fails.
 *
 * npm is replaced on the PATH by a stand-in that behaves like npm install
 * where it matters here: it clears the prefix's node_modules first and
 * writes the package's files one by one with pauses between, so two installs
 * into one prefix see each other's half-written trees.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, tempDir } from './helpers';

const FETCH = path.join(ROOT, 'scripts', 'fetch-node.js');
const VERSION = '20.0.1'; // any full version: the stand-in npm accepts all
const ARCH = process.arch; // fetch-node's default

const FAKE_NPM = `#!/usr/bin/env node
const fs = require('fs');
const path = require('path');
const args = process.argv.slice(2);
const prefix = args[args.indexOf('--prefix') + 1];
const pkg = args.at(-1).split('@')[0];
if (process.env.FAKE_NPM_FAIL) {
  process.stderr.write('npm ERR! 404 Not Found - ' + args.at(-1) + '\\n');
  process.exit(1);
}
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const modules = path.join(prefix, 'node_modules');
fs.rmSync(modules, { recursive: true, force: true });
const dir = path.join(modules, pkg);
for (const f of ['bin/node', 'include/node/node.h', 'include/node/common.gypi']) {
  sleep(150);
  fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
  fs.writeFileSync(path.join(dir, f), f + '\\n');
}
`;

interface Setup {
  cache: string;
  env: NodeJS.ProcessEnv;
}

const roots: string[] = [];
afterAll(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

function setup(tag: string): Setup {
  const root = tempDir(`fetch-node-${tag}`);
  roots.push(root);
  const bin = path.join(root, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'npm'), FAKE_NPM, { mode: 0o755 });
  const cache = path.join(root, 'cache');
  return { cache, env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, SWITCHYARD_NODE_CACHE: cache } };
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function fetchAsync(s: Setup, extra: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [FETCH, VERSION, '--print'], { env: { ...s.env, ...extra } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const packageDir = (s: Setup) => path.join(s.cache, `${ARCH}-${VERSION}`, 'node_modules', `node-linux-${ARCH}`);
const leftovers = (s: Setup) => fs.readdirSync(s.cache).filter((n) => n !== `${ARCH}-${VERSION}`);

describe('fetch-node', () => {
  test('four processes fetching the same Node at the same time all get one complete copy, and no staging is left', async () => {
    const s = setup('race');
    // staggered so that each install starts while the one before is half-way
    const runs = await Promise.all([0, 1, 2, 3].map((i) => delay(200 * i).then(() => fetchAsync(s))));
    for (const r of runs) {
      expect(r.stderr).not.toMatch(/failed|missing/);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(packageDir(s));
    }
    for (const f of ['bin/node', 'include/node/node.h', 'include/node/common.gypi']) {
      expect(fs.readFileSync(path.join(packageDir(s), f), 'utf8')).toBe(`${f}\n`);
    }
    expect(leftovers(s)).toEqual([]);
  });

  test('an install cut short earlier (the package dir without bin/node) is replaced by a complete one', () => {
    const s = setup('broken');
    fs.mkdirSync(path.join(packageDir(s), 'include', 'node'), { recursive: true });
    fs.writeFileSync(path.join(packageDir(s), 'include', 'node', 'node.h'), 'half\n');
    const r = spawnSync(process.execPath, [FETCH, VERSION, '--print'], { env: s.env, encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/failed/);
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(packageDir(s), 'bin', 'node'))).toBe(true);
    expect(fs.readFileSync(path.join(packageDir(s), 'include', 'node', 'node.h'), 'utf8')).toBe('include/node/node.h\n');
    expect(leftovers(s)).toEqual([]);
  });

  test("a staging dir of a process that died is removed; a live process's is left alone", () => {
    const s = setup('abandoned');
    const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid as number; // exited by now
    const abandoned = path.join(s.cache, `.staging-${ARCH}-${VERSION}-${dead}-abc`);
    const live = path.join(s.cache, `.staging-${ARCH}-${VERSION}-${process.pid}-abc`);
    for (const d of [abandoned, live]) fs.mkdirSync(path.join(d, 'node_modules'), { recursive: true });
    const r = spawnSync(process.execPath, [FETCH, VERSION, '--print'], { env: s.env, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(fs.existsSync(abandoned)).toBe(false);
    expect(fs.existsSync(live)).toBe(true);
  });

  test("npm failing: the error quotes npm's command and its message, and nothing is left in the cache", async () => {
    const s = setup('fail');
    const r = await fetchAsync(s, { FAKE_NPM_FAIL: '1' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`npm install --prefix ${s.cache}/.staging-${ARCH}-${VERSION}-`);
    expect(r.stderr).toContain(`npm ERR! 404 Not Found - node-linux-${ARCH}@${VERSION}`);
    expect(leftovers(s)).toEqual([]);
    expect(fs.existsSync(path.join(s.cache, `${ARCH}-${VERSION}`))).toBe(false);
  });
});
