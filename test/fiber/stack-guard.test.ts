/**
 * What native code that runs past the end of a fiber's stack meets (see
 * native/addon/fiber_stack.h): a fault on a guarded stack, the overflow
 * check's abort with a message on an unguarded one (kernels without guard
 * regions, beyond the guard page budget; forced here), and nothing at all
 * when it stays inside. A small test addon (fixtures/poke.c) does the
 * storing, in child processes. Native x64/arm64 only: the addon is built
 * with the machine's gcc for this node.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describeChild, FIXTURES, lastJsonLine, runFixture } from './helpers';

const EMULATED = Boolean(process.env.SWITCHYARD_EMULATED_NODE);
const describeNative = EMULATED || process.env.SWITCHYARD_FIBER_BACKEND === 'threads' ? describe.skip : describe;

function buildPoke(): string {
  const candidates = [
    path.resolve(path.dirname(process.execPath), '..', 'include', 'node'),
    path.join(os.homedir(), '.cache', 'node-gyp', process.versions.node, 'include', 'node'),
    '/usr/include/node',
  ];
  const include = candidates.find((d) => fs.existsSync(path.join(d, 'node_api.h')));
  if (!include) throw new Error(`node headers (node_api.h) not found in ${candidates.join(', ')}`);
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-poke-')), 'poke.node');
  const r = spawnSync('gcc', ['-O2', '-shared', '-fPIC', `-I${include}`, path.join(FIXTURES, 'poke.c'), '-o', out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building poke.c failed: ${r.stderr}`);
  return out;
}

describeNative('native code past the end of a fiber stack (tls backend)', () => {
  let poke: string;
  beforeAll(() => {
    poke = buildPoke();
  });
  afterAll(() => {
    if (poke) fs.rmSync(path.dirname(poke), { recursive: true, force: true });
  });
  const unguarded = { SWITCHYARD_GUARD_REGIONS: '0', SWITCHYARD_GUARDED_STACKS: '0' };
  const run = (where: string, env: Record<string, string> = {}) =>
    runFixture('native-overflow.js', [], { SWITCHYARD_FIBER_BACKEND: 'tls', POKE_ADDON: poke, WHERE: where, ...env });

  test('unguarded stack, its lowest word overwritten: the next switch out aborts, naming it', () => {
    const r = run('end', unguarded);
    expect(lastJsonLine(r.stdout.split('\n')[0])).toEqual({ poking: 'end', guarded: false });
    if (r.signal !== 'SIGABRT') throw new Error(describeChild(r));
    expect(r.stderr).toMatch(/fiber stack overflow: native code ran past the low end of a 1024 KiB fiber stack without a guard page/);
    expect(r.stdout).not.toContain('yielded');
  });

  test.each([
    ['default stacks (a guard region where the kernel has them)', { SWITCHYARD_GUARDED_STACKS: '10' }],
    ['a guard page of its own', { SWITCHYARD_GUARD_REGIONS: '0', SWITCHYARD_GUARDED_STACKS: '10' }],
  ])('guarded, %s: storing below the stack faults', (_name, env) => {
    const r = run('below', env as Record<string, string>);
    expect(lastJsonLine(r.stdout.split('\n')[0])).toMatchObject({ poking: 'below', guarded: true });
    if (r.signal !== 'SIGSEGV') throw new Error(describeChild(r));
  });

  test.each([
    ['default stacks', {}],
    ['unguarded stacks', unguarded],
  ])('%s: a store inside the stack is no overflow', (_name, env) => {
    const r = run('inside', env as Record<string, string>);
    if (r.status !== 0) throw new Error(describeChild(r));
    expect(r.json).toEqual({ first: 'yielded', last: 'finished' });
  });
});
