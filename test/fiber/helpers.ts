/**
 * Helpers for fiber tests. Tests never build anything: they need the addon
 * (`npx node-gyp rebuild`) and, for child processes, the compiled API in
 * dist/ (`npx tsc -p tsconfig.json`), and fail with that hint otherwise.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const DIST_INDEX = path.join(ROOT, 'dist', 'lib', 'index.js');
export const ADDON = path.join(ROOT, 'build', 'Release', 'switchyard.node');
export const FIXTURES = path.join(__dirname, 'fixtures');

/** The backend chosen when none is requested. */
export const DEFAULT_BACKEND: 'tls' | 'threads' = 'tls';

export function assertBuilt(): void {
  const missing = [DIST_INDEX].filter((p) => !fs.existsSync(p)).map((p) => path.relative(ROOT, p));
  try {
    // whatever node-gyp-build would load: build/Release, or the prebuild for this Node
    require('node-gyp-build').path(ROOT);
  } catch {
    missing.push(`${path.relative(ROOT, ADDON)} (or a prebuild for this Node)`);
  }
  if (missing.length > 0) {
    throw new Error(
      `fiber tests need a build first: missing ${missing.join(', ')}. ` +
        'Run `npx tsc -p tsconfig.json && npx node-gyp rebuild` in the package root.',
    );
  }
}

export interface ChildResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** the last stdout line parsed as JSON, if it is JSON */
  json: any;
}

/** Runs test/fiber/fixtures/<name> in a fresh node with `flags`. */
export function runFixture(
  name: string,
  flags: string[] = [],
  env: Record<string, string> = {},
  // several times longer when this node runs under emulation (scripts/jest-on-node.js sets the variable)
  timeoutMs = process.env.SWITCHYARD_EMULATED_NODE ? 900_000 : 240_000,
): ChildResult {
  assertBuilt();
  const r = spawnSync(process.execPath, [...flags, path.join(FIXTURES, name)], {
    env: { ...process.env, ...env, SWITCHYARD_ROOT: ROOT },
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', json: lastJsonLine(r.stdout) };
}

/** A child's result: the last line of its stdout parsed as JSON, or undefined. */
export function lastJsonLine(stdout: string | null | undefined): any {
  const lines = (stdout ?? '').trim().split('\n');
  try {
    return JSON.parse(lines[lines.length - 1]);
  } catch {
    return undefined;
  }
}

/** A readable failure message for a child that did not exit cleanly. */
export function describeChild(r: ChildResult): string {
  return `status=${r.status} signal=${r.signal}\n--- stdout\n${r.stdout.slice(-4000)}\n--- stderr\n${r.stderr.slice(-4000)}`;
}
