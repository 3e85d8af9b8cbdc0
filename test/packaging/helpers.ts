/** Packing switchyard and installing the tarball the way a user does. */
import { execFileSync, spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');

export function tempDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `switchyard-${tag}-`));
}

/** `npm pack` the repo (prepack compiles dist/) into dir; returns the tarball and its file list */
export function pack(dir: string): { tarball: string; files: string[] } {
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const packed = JSON.parse(out.slice(out.indexOf('[')));
  return { tarball: path.join(dir, packed[0].filename), files: packed[0].files.map((f: { path: string }) => f.path) };
}

/** where the command is found on the PATH (resolving symlinks), or null */
function which(cmd: string): string | null {
  for (const d of (process.env.PATH || '').split(path.delimiter)) {
    const p = path.join(d, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return fs.realpathSync(p);
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * A bin dir with node, npm, sh and a few coreutils only: no cc, gcc, g++,
 * make or python3, so any attempt to build from source fails.
 */
export function compilerFreeBin(dir: string): string {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.symlinkSync(process.execPath, path.join(bin, 'node'));
  const npm = which('npm');
  if (!npm) throw new Error('npm not found on PATH');
  fs.symlinkSync(npm, path.join(bin, 'npm'));
  for (const tool of ['sh', 'env', 'ls', 'cat', 'mkdir', 'rm', 'cp', 'mv', 'chmod', 'ln', 'uname', 'dirname', 'basename', 'true', 'false']) {
    const p = which(tool);
    if (p) fs.symlinkSync(p, path.join(bin, tool));
  }
  return bin;
}

/** install the tarball into a new project dir with the given PATH */
export function installTarball(tarball: string, project: string, PATH: string): SpawnSyncReturns<string> {
  return installPackages([tarball], project, PATH);
}

/**
 * `npm install <specs...>` (tarballs, `name@file:tarball` aliases) into a new
 * project dir with the given PATH; `npmArgs` are added (e.g. `--offline`).
 */
export function installPackages(specs: string[], project: string, PATH: string, npmArgs: string[] = []): SpawnSyncReturns<string> {
  fs.mkdirSync(project, { recursive: true });
  fs.writeFileSync(path.join(project, 'package.json'), '{"name":"consumer","version":"1.0.0","private":true}\n');
  const env: NodeJS.ProcessEnv = { ...process.env, PATH };
  // the repo's own setting (e.g. PREBUILDS_ONLY from test runners) must not leak into a user's install
  delete env.PREBUILDS_ONLY;
  for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];
  return spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--foreground-scripts', ...npmArgs, ...specs], {
    cwd: project,
    env,
    encoding: 'utf8',
  });
}

/** run a command; throws with its output when it fails */
export function runOk(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.error}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

export const haveCommand = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

/**
 * A Node of this arch and version (major or full) from .cache/node (scripts/fetch-node.js):
 * dir (its headers, for npm_config_nodedir) and argv (runs it here, under qemu for arm64 on x64).
 */
export function cachedNode(arch: 'x64' | 'arm64', version: string): { dir: string; argv: string[] } {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { ensureNode } = require('../../scripts/fetch-node');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { runnerFor } = require('../../scripts/targets');
  const n = ensureNode(arch, version, { quiet: true });
  return { dir: n.dir, argv: runnerFor(arch, n.bin) };
}
