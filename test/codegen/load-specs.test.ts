import { SpecLoadError, SpecTypeError } from '../../codegen/src/errors';
import { loadSpecs } from '../../codegen/src/load-specs';
import { specDirWith, x86SpecText } from './cli-helpers';

describe('spec loader (ts-morph)', () => {
  test('loads every shipped spec with its source path', () => {
    const loaded = loadSpecs();
    expect(loaded.map((l) => l.spec.id).sort()).toEqual(['aarch64-aapcs64', 'aarch64-apple', 'armhf-aapcs-vfp', 'i386-sysv', 'mips64el-n64', 'ppc64le-elfv2', 'riscv32-ilp32d', 'riscv64-lp64d', 's390x-elf', 'x86_64-sysv', 'x86_64-win64']);
    expect(loaded.find((l) => l.spec.id === 'x86_64-sysv')!.source).toBe('codegen/spec/x86_64-sysv.ts');
    // a spec derived from another (Apple from AAPCS64) is evaluated through the in-memory module loader
    expect(loaded.find((l) => l.spec.id === 'aarch64-apple')!.spec.registers.reserved).toEqual(['x18']);
  });

  test('refuses a spec that does not type-check, with the compiler diagnostic', () => {
    const dir = specDirWith({ 'x86_64-sysv.ts': x86SpecText().replace("'r13', 'r14'", "'r13', 'r16'") });
    expect(() => loadSpecs(dir)).toThrow(SpecTypeError);
    try {
      loadSpecs(dir);
    } catch (e) {
      const diagnostics = (e as SpecTypeError).diagnostics;
      expect(diagnostics).toMatch(/x86_64-sysv\.ts/);
      expect(diagnostics).toMatch(/"r16"/);
      expect(diagnostics).toMatch(/TS2322/);
    }
  });

  test('refuses a register of another ISA (aarch64 name in an x86-64 spec)', () => {
    const dir = specDirWith({ 'x86_64-sysv.ts': x86SpecText().replace("entryRegister: 'rbx'", "entryRegister: 'x19'") });
    expect(() => loadSpecs(dir)).toThrow(/"x19"/);
  });

  test('refuses a spec file without a default export', () => {
    const dir = specDirWith({ 'broken.ts': "import { defineAbi } from './schema';\nexport const notDefault = defineAbi;\n" });
    expect(() => loadSpecs(dir)).toThrow(SpecLoadError);
    expect(() => loadSpecs(dir)).toThrow(/broken\.ts: a spec file must 'export default defineAbi/);
  });

  test('refuses a spec that imports anything but other spec files', () => {
    const dir = specDirWith({ 'x86_64-sysv.ts': `// @ts-ignore: reach the loader's own guard\nimport * as os from 'os';\nexport const host = os.platform;\n${x86SpecText()}` });
    expect(() => loadSpecs(dir)).toThrow(/may import only other spec files, not 'os'/);
  });
});
