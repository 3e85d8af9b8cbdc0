/** Accumulates assembly lines in one consistent layout: tab-indented, trailing C comments aligned. */
export class AsmWriter {
  private readonly lines: string[] = [];

  /** an instruction or directive, with an optional comment saying why */
  op(text: string, why?: string): this {
    this.lines.push(why ? `\t${text.padEnd(31)} /* ${why} */` : `\t${text}`);
    return this;
  }

  label(name: string): this {
    this.lines.push(`${name}:`);
    return this;
  }

  /** a comment on its own line, at instruction indentation */
  note(text: string): this {
    this.lines.push(`\t/* ${text} */`);
    return this;
  }

  blank(): this {
    this.lines.push('');
    return this;
  }

  raw(...lines: string[]): this {
    this.lines.push(...lines);
    return this;
  }

  toString(): string {
    return this.lines.join('\n') + '\n';
  }
}
