/**
 * The fiber hand-off copies parts of V8's thread state itself where V8's
 * archive and restore functions are plain copies. The recognizer that
 * decides so (native/addon/v8_handoff/straight_copy.cc) is plain C++ with no V8 in it:
 * built here with the host's g++ and run on real V8 functions' machine code
 * and on near misses it must refuse (straight_copy_test.cc).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

test('the straight-copy recognizer accepts copies of V8 11.3 to 14.6 (as gcc and clang compile them) and refuses near misses', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-straight-copy-'));
  try {
    const bin = path.join(dir, 'straight_copy_test');
    execFileSync('g++', [
      '-std=c++17', '-O2', '-Wall', '-Wextra', '-Werror',
      `-I${path.join(ROOT, 'native', 'addon', 'v8_handoff')}`,
      path.join(__dirname, 'straight_copy_test.cc'),
      path.join(ROOT, 'native', 'addon', 'v8_handoff', 'straight_copy.cc'),
      '-o', bin,
    ], { stdio: 'pipe' });
    const r = spawnSync(bin, ['-v'], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/^(\d+) of \1 cases as expected$/m);
    expect(r.status).toBe(0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
