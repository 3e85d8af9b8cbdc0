/**
 * Loads the ABI spec files with ts-morph: type-checks them as a project
 * (refusing with the compiler's diagnostics), checks statically that each
 * has a default export, then emits them to memory and evaluates the
 * JavaScript. Specs may import each other and the schema, nothing else.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Project, ts } from 'ts-morph';
import type { AbiSpec } from '../spec/schema';
import { SpecLoadError, SpecTypeError } from './errors';

/** The package's own codegen/spec, found from here whether running from dist/ or from source. */
export const DEFAULT_SPEC_DIR = findPackageSpecDir(__dirname);

function findPackageSpecDir(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'codegen', 'spec');
    if (fs.existsSync(path.join(candidate, 'schema.ts'))) return candidate;
    if (path.dirname(dir) === dir) throw new SpecLoadError(`cannot find codegen/spec above ${from}`);
  }
}

/** Files in a spec directory that are not ABI specs. */
const NOT_SPECS = new Set(['schema.ts', 'index.ts']);

export interface LoadedSpec {
  spec: AbiSpec;
  /** the spec's file, relative to the spec directory's parent (for generated-file headers) */
  source: string;
}

export function loadSpecs(specDir: string = DEFAULT_SPEC_DIR): LoadedSpec[] {
  const project = new Project({
    compilerOptions: {
      strict: true,
      target: ts.ScriptTarget.ES2020,
      module: ts.ModuleKind.CommonJS,
      lib: ['lib.es2020.d.ts'],
      types: [],
      noEmitOnError: true,
    },
    skipAddingFilesFromTsConfig: true,
  });
  if (!fs.existsSync(specDir)) throw new SpecLoadError(`spec directory ${specDir} does not exist`);
  // the .ts files of this one directory: a plain listing, no glob semantics
  const names = fs.readdirSync(specDir).filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts')).sort();
  if (names.length === 0) throw new SpecLoadError(`no spec files in ${specDir}`);
  const files = names.map((name) => project.addSourceFileAtPath(path.join(specDir, name)));

  const diagnostics = project.getPreEmitDiagnostics();
  if (diagnostics.length > 0) {
    const report = project.formatDiagnosticsWithColorAndContext(diagnostics);
    // colours only for a terminal; logs and CI get plain text
    throw new SpecTypeError(process.stderr.isTTY ? report : report.replace(/\x1b\[[0-9;]*m/g, ''));
  }

  const specFiles = files.filter((f) => !NOT_SPECS.has(f.getBaseName()));
  for (const file of specFiles) {
    if (!file.getDefaultExportSymbol()) {
      throw new SpecLoadError(`${file.getFilePath()}: a spec file must 'export default defineAbi({...})'`);
    }
  }

  const emitted = new Map<string, string>();
  for (const out of project.emitToMemory().getFiles()) {
    if (out.filePath.endsWith('.js')) emitted.set(path.resolve(out.filePath), out.text);
  }
  const evaluate = makeEvaluator(emitted);

  return specFiles.map((file) => {
    const jsPath = path.resolve(file.getFilePath()).replace(/\.ts$/, '.js');
    const spec = evaluate(jsPath).default as AbiSpec | undefined;
    if (!spec || typeof spec !== 'object' || typeof spec.id !== 'string') {
      throw new SpecLoadError(`${file.getFilePath()}: the default export is not an ABI spec`);
    }
    return { spec, source: path.relative(path.dirname(path.dirname(specDir)), file.getFilePath()) };
  });
}

/** A minimal CommonJS loader over the in-memory emit: relative imports only. */
function makeEvaluator(emitted: Map<string, string>) {
  const cache = new Map<string, { exports: Record<string, unknown> }>();
  const evaluate = (file: string): Record<string, unknown> => {
    const cached = cache.get(file);
    if (cached) return cached.exports;
    const text = emitted.get(file);
    if (text === undefined) throw new SpecLoadError(`spec module not found: ${file}`);
    const module = { exports: {} as Record<string, unknown> };
    cache.set(file, module);
    const requireSpec = (request: string) => {
      if (!request.startsWith('.')) {
        throw new SpecLoadError(`${file}: spec files may import only other spec files, not '${request}'`);
      }
      return evaluate(path.resolve(path.dirname(file), request.replace(/(\.js|\.ts)?$/, '.js')));
    };
    try {
      new Function('exports', 'require', 'module', text)(module.exports, requireSpec, module);
    } catch (e) {
      if (e instanceof SpecLoadError) throw e;
      throw new SpecLoadError(`${file}: evaluating the spec failed: ${(e as Error).message}`);
    }
    return module.exports;
  };
  return evaluate;
}
