#!/usr/bin/env node
/**
 * switchyard: emits context switchers from the ABI specs.
 *   switchyard abis                         list the ABIs the specs describe
 *   switchyard gen --out <dir> [--abi id]   write the switcher files
 *   switchyard gen --check --out <dir>      fail if <dir> differs from what the specs produce
 */
import { Command, Option } from 'commander';
import * as path from 'path';
import { CodegenError, SpecTypeError } from './errors';
import { checkFiles, generate, selectSpecs, writeFiles } from './generate';
import { DEFAULT_SPEC_DIR } from './load-specs';
import { returnAddressBytesOnStack } from './validate';
import { ISA_EMITTERS } from './isa';

const program = new Command('switchyard')
  .description('stackful coroutine context switchers generated from one register-layout spec per ABI')
  .showHelpAfterError();

const specDirOption = () => new Option('--spec-dir <dir>', 'directory of ABI spec files').default(DEFAULT_SPEC_DIR, 'the package\'s codegen/spec');

program
  .command('abis')
  .description('list the ABIs the specs describe')
  .addOption(specDirOption())
  .option('--json', 'print machine-readable JSON')
  .action((opts: { specDir: string; json?: boolean }) => {
    const specs = selectSpecs({ specDir: opts.specDir }).map((l) => l.spec);
    if (opts.json) {
      console.log(JSON.stringify(specs.map((s) => ({ id: s.id, isa: s.isa, title: s.title, objectFormat: s.objectFormat.kind })), null, 2));
      return;
    }
    const rows = specs.map((s) => [
      s.id,
      s.isa,
      s.objectFormat.kind,
      `${s.frame.size + returnAddressBytesOnStack(s)} B`,
      s.hardening.map((h) => h.kind).join(' ') || '-',
      ISA_EMITTERS[s.isa] ? 'yes' : 'no emitter yet',
    ]);
    const table = [['ABI', 'ISA', 'format', 'frame', 'hardening', 'emitter'], ...rows];
    const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
    for (const row of table) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
  });

program
  .command('gen')
  .description('write the context switch (.S), its C header and sy_context_make (.c) for each ABI')
  .requiredOption('--out <dir>', 'directory to write into (created if missing)')
  .option('--abi <id...>', 'ABIs to generate (default: all)')
  .option('--check', 'write nothing; exit 1 if <dir> differs from what the specs generate')
  .option('--layout-module', 'also emit layouts.ts, the frame layouts as a TypeScript module')
  .addOption(specDirOption())
  .action((opts: { out: string; abi?: string[]; check?: boolean; layoutModule?: boolean; specDir: string }) => {
    const files = generate({ abis: opts.abi, layoutModule: opts.layoutModule, specDir: opts.specDir });
    const outDir = path.resolve(opts.out);
    if (opts.check) {
      const drift = checkFiles(outDir, files);
      if (drift.length > 0) {
        console.error(`switchyard: ${path.relative(process.cwd(), outDir) || '.'} is out of date with the specs:`);
        for (const d of drift) console.error(`  ${d.name}: ${d.problem}`);
        console.error('run `npm run gen` (or `switchyard gen --out <dir>`) and commit the result');
        process.exitCode = 1;
        return;
      }
      console.log(`switchyard: ${files.length} generated files in ${path.relative(process.cwd(), outDir) || '.'} match the specs`);
      return;
    }
    writeFiles(outDir, files, (file, bytes) => console.log(`wrote ${path.relative(process.cwd(), file)} (${bytes} bytes)`));
  });

try {
  program.parse();
} catch (e) {
  if (!(e instanceof CodegenError)) throw e;
  // the compiler's diagnostics are already a full report
  console.error(e instanceof SpecTypeError ? `switchyard: ${e.message}` : `switchyard: ${e.message}`);
  process.exitCode = 2;
}
