/** Every way `switchyard gen` can refuse, each naming the problem. */

export class CodegenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A spec file does not type-check; `diagnostics` is the compiler's own report. */
export class SpecTypeError extends CodegenError {
  constructor(readonly diagnostics: string) {
    super(`spec files do not type-check:\n${diagnostics}`);
  }
}

/** A spec file could not be evaluated or has no usable default export. */
export class SpecLoadError extends CodegenError {}

export interface SpecProblem {
  abi: string;
  /** where in the spec, e.g. 'frame.slots[3]' */
  where: string;
  message: string;
}

/** A spec type-checks but describes an unsound layout. */
export class SpecValidationError extends CodegenError {
  constructor(readonly problems: SpecProblem[]) {
    super(`unsound ABI spec:\n${problems.map((p) => `  ${p.abi}: ${p.where}: ${p.message}`).join('\n')}`);
  }
}

export class UnknownAbiError extends CodegenError {
  constructor(readonly abi: string, readonly known: string[]) {
    super(`unknown ABI '${abi}'; known ABIs: ${known.join(', ')}`);
  }
}

/** The spec is sound but no ISA emitter exists for its instruction set yet. */
export class UnsupportedIsaError extends CodegenError {
  constructor(readonly abi: string, readonly isa: string, readonly supported: string[]) {
    super(`ABI '${abi}' uses ISA '${isa}', which has no emitter yet (emitters: ${supported.join(', ')}); add one in codegen/src/isa/`);
  }
}

/** The spec uses something (a slot kind, an object format) its emitter does not implement yet. */
export class UnsupportedFeatureError extends CodegenError {
  constructor(readonly abi: string, readonly feature: string) {
    super(`ABI '${abi}' needs ${feature}, which the emitter does not implement yet`);
  }
}
