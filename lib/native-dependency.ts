/**
 * switchyard as a native dependency of other addons (node-addon-api style):
 * where its C headers, its gyp target and its CMake package are. Loading this
 * module never loads switchyard's own addon, so build scripts can use it on
 * any machine:
 *
 *   node -p "require('switchyard/dist/lib/native-dependency').gyp"
 *
 * binding.gyp of a dependent addon:
 *   "dependencies": ["<!(node -p \"require('switchyard/dist/lib/native-dependency').gyp\")"]
 * (the runtime's include dir comes with the dependency; `include` is there
 * for build systems that want the path itself.)
 *
 * CMake (cmake-js): -Dswitchyard_DIR=<cmakeDir>, then
 *   find_package(switchyard CONFIG REQUIRED)
 *   target_link_libraries(my_addon PRIVATE switchyard::runtime)
 */
import * as fs from 'fs';
import * as path from 'path';

function findRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && fs.existsSync(path.join(dir, 'switchyard.gyp'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`switchyard: package root not found above ${__dirname}`);
    dir = up;
  }
}

/** the installed package's root directory */
export const root: string = findRoot();
/** directory to add to the include path: <switchyard.h>, <switchyard/context.h> */
export const include: string = path.join(root, 'native', 'include');
/** every include dir a dependent needs (one today; the generated headers are reached from it) */
export const includeDirs: readonly string[] = [include];
/** gyp dependency: the static library target with the runtime and the switcher for target_arch */
export const gyp: string = `${path.join(root, 'switchyard.gyp')}:switchyard_runtime`;
/** CMake package dir (switchyard_DIR) providing the target switchyard::runtime */
export const cmakeDir: string = path.join(root, 'native', 'cmake');

/** generated switcher stem for an architecture, as in native/gen (null: none) */
export function switcherAbi(arch: string = process.arch, platform: string = process.platform): string | null {
  if (arch === 'x64' && platform !== 'win32') return 'x86_64_sysv';
  if (arch === 'arm64') return platform === 'darwin' ? 'aarch64_apple' : platform === 'win32' ? null : 'aarch64_aapcs64';
  if (arch === 'riscv64' && platform === 'linux') return 'riscv64_lp64d';
  return null;
}

/** the C and assembly sources of the runtime for an architecture, for other build systems */
export function sources(arch: string = process.arch, platform: string = process.platform): string[] {
  const abi = switcherAbi(arch, platform);
  if (!abi) throw new Error(`switchyard: no generated context switcher for ${platform}-${arch}`);
  const src = ['errors', 'stack', 'switch', 'coro', 'sched', 'chan', 'select', 'overflow'].map((f) => path.join(root, 'native', 'src', `${f}.c`));
  return [...src, path.join(root, 'native', 'gen', `context_${abi}.S`), path.join(root, 'native', 'gen', `context_make_${abi}.c`)];
}
