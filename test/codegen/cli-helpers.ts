import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'dist', 'codegen', 'src', 'cli.js');

/** runs the built CLI (npm test builds it first) */
export function cli(args: string[], cwd = ROOT) {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm test does)`);
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
}

export function tempDir(name: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `switchyard-${name}-`));
}

/** a spec directory: the real schema plus the given spec files */
export function specDirWith(files: Record<string, string>): string {
  const dir = tempDir('specs');
  fs.copyFileSync(path.join(ROOT, 'codegen', 'spec', 'schema.ts'), path.join(dir, 'schema.ts'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

/** the shipped x86-64 spec's text, for deriving broken variants */
export const x86SpecText = () => fs.readFileSync(path.join(ROOT, 'codegen', 'spec', 'x86_64-sysv.ts'), 'utf8');
