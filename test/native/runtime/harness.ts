/**
 * Shared by the runtime's jest drivers: builds a C test program together
 * with the runtime sources and the generated switcher for a target, and
 * runs it (under qemu for foreign targets) with extra environment.
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildC, ROOT, switcherSources, Target } from '../../helpers/toolchain';

export const RUNTIME_SRC = path.join(ROOT, 'native', 'src');
export const TEST_SRC = __dirname;

export function runtimeSources(): string[] {
  return fs
    .readdirSync(RUNTIME_SRC)
    .filter((f) => f.endsWith('.c'))
    .sort()
    .map((f) => path.join(RUNTIME_SRC, f));
}

let privateDir = '';

/**
 * builds test/native/runtime/<program>.c for t (variant names a flavour:
 * asan, ...) and returns a private copy of the binary. build/ is shared
 * with node-gyp, whose rebuild deletes it wholesale: a build that loses its
 * output directory is retried, and tests run a copy nobody else deletes.
 */
export function buildProgram(t: Target, program: string, variant = '', flags: string[] = []): string {
  const name = `runtime-${program}${variant ? `-${variant}` : ''}`;
  let built = '';
  for (let attempt = 0; ; attempt++) {
    try {
      built = buildC(t, {
        sources: [...runtimeSources(), ...switcherSources(t), path.join(TEST_SRC, `${program}.c`)],
        out: name,
        flags,
      });
      if (!privateDir) {
        privateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-runtime-'));
        const dir = privateDir;
        process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
      }
      const copy = path.join(privateDir, `${t.name}-${name}`);
      fs.copyFileSync(built, copy);
      fs.chmodSync(copy, 0o755);
      return copy;
    } catch (e) {
      const lost = /cannot open output file|No such file or directory|ENOENT/.test(String(e));
      if (!lost || attempt >= 2) throw e;
    }
  }
}

/** iteration divisor per target: emulation is 10-50x slower than native */
export function scaleFor(t: Target): string {
  return t.runner.length ? '5' : '1';
}

export function run(
  t: Target,
  binary: string,
  args: string[] = [],
  env: Record<string, string> = {},
  prefix: string[] = [],
  timeoutMs = 240000,
): SpawnSyncReturns<string> {
  const [cmd, ...rest] = [...prefix, ...t.runner, binary, ...args];
  return spawnSync(cmd, rest, {
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 << 20,
    env: { ...process.env, ...env },
  });
}

/** a readable failure message for a run that should have succeeded */
export function describeRun(r: SpawnSyncReturns<string>): string {
  return `status ${r.status} signal ${r.signal}${r.error ? ` error ${r.error}` : ''}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

export function expectSuccess(r: SpawnSyncReturns<string>): void {
  if (r.status !== 0 || !/ALL OK/.test(r.stdout)) throw new Error(describeRun(r));
}
