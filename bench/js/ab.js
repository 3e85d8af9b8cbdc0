#!/usr/bin/env node
// @ts-check
/**
 * bench/js/ab.js: compare JS cases across checkouts (or Node binaries) in one
 * run, interleaved, so that a change is measured against its predecessor and
 * a baseline under the same machine load.
 *
 *   node bench/js/ab.js --tree before=/tmp/wt-before --tree after=. \
 *     [--cases js.generator.next,js.fiber.roundtrip] [--rounds 7] [--rep-ms 100]
 *     [--node PATH] [--env K=V]... [--noop PATH]
 *
 * Each round runs every (tree, case) once, in a fresh node process, with
 * these cases.js (the tree only provides dist/lib and the addon, through
 * SWITCHYARD_BENCH_ROOT); a process reports the median of 3 repetitions.
 * The table gives, per tree and case, the median over rounds, min, max, the
 * median of the per-round ratio to the first case (the baseline), and the
 * same median (and min) in CPU time of the process: on a loaded machine the
 * time spent descheduled drops out of it.

 * --tree NAME=DIR@NODE runs that tree with another node binary.
 */
'use strict';

const { spawnSync } = require('child_process');
const path = require('path');

const CASES_JS = path.join(__dirname, 'cases.js');

function parse(argv) {
  const o = {
    /** @type {{ name: string, dir: string, node: string }[]} */ trees: [],
    cases: ['js.generator.next', 'js.fiber.roundtrip'],
    rounds: 7,
    repMs: 100,
    node: process.execPath,
    /** @type {Record<string, string>} */ env: {},
    noop: /** @type {string | undefined} */ (undefined),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--tree') {
      const v = next();
      const eq = v.indexOf('=');
      const [dir, node] = v.slice(eq + 1).split('@');
      o.trees.push({ name: v.slice(0, eq), dir: path.resolve(dir), node: node || '' });
    } else if (a === '--cases') o.cases = next().split(',');
    else if (a === '--rounds') o.rounds = Number(next());
    else if (a === '--rep-ms') o.repMs = Number(next());
    else if (a === '--node') o.node = next();
    else if (a === '--noop') o.noop = next();
    else if (a === '--env') {
      const v = next();
      const eq = v.indexOf('=');
      o.env[v.slice(0, eq)] = v.slice(eq + 1);
    } else throw new Error(`ab.js: unknown argument ${a}`);
  }
  if (!o.trees.length) o.trees.push({ name: 'this', dir: path.resolve(__dirname, '..', '..'), node: '' });
  for (const t of o.trees) t.node = t.node || o.node;
  return o;
}

/** @param {number[]} xs */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function runOnce(o, tree, c, args) {
  const env = { ...process.env, ...o.env, SWITCHYARD_BENCH_ROOT: tree.dir };
  const extra = o.noop ? ['--noop', o.noop] : [];
  return spawnSync(tree.node, [CASES_JS, ...args, ...extra], { env, encoding: 'utf8', timeout: 300000 });
}

function timeCase(o, tree, c) {
  const r = runOnce(o, tree, c, ['run', c, '--reps', '3', '--rep-ms', String(o.repMs)]);
  const line = (r.stdout || '').trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (r.status !== 0 || !line) throw new Error(`${tree.name} ${c}: exit ${r.status}: ${(r.stderr || '').trim().slice(-400)}`);
  const j = JSON.parse(line);
  if (j.skipped) throw new Error(`${tree.name} ${c}: skipped: ${j.skipped}`);
  return { wall: median(j.reps), cpu: j.cpuReps ? median(j.cpuReps) : NaN };
}

function main() {
  const o = parse(process.argv.slice(2));
  /** @type {Record<string, Record<string, number[]>>} */
  const t = {};
  /** @type {Record<string, Record<string, number[]>>} */
  const ratio = {};
  /** @type {Record<string, Record<string, number[]>>} */
  const cpu = {};
  for (const tree of o.trees) {
    t[tree.name] = {};
    ratio[tree.name] = {};
    cpu[tree.name] = {};
    for (const c of o.cases) {
      t[tree.name][c] = [];
      ratio[tree.name][c] = [];
      cpu[tree.name][c] = [];
    }
  }
  for (let r = 0; r < o.rounds; r++) {
    // alternate the tree order each round so that neither always goes first
    const order = r % 2 ? [...o.trees].reverse() : o.trees;
    for (const tree of order) {
      const row = {};
      for (const c of o.cases) row[c] = timeCase(o, tree, c);
      for (const c of o.cases) {
        t[tree.name][c].push(row[c].wall);
        cpu[tree.name][c].push(row[c].cpu);
        ratio[tree.name][c].push(row[c].wall / row[o.cases[0]].wall);
      }
    }
    process.stderr.write(`round ${r + 1}/${o.rounds}\n`);
  }
  const lines = [];
  lines.push(`median of ${o.rounds} rounds (each: one process, median of 3 reps of ~${o.repMs} ms); ratio = per-round case / ${o.cases[0]}, median`);
  lines.push(['tree', 'case', 'median ns', 'min', 'max', 'ratio', 'cpu ns', 'cpu min'].join('\t'));
  for (const tree of o.trees) {
    for (const c of o.cases) {
      const xs = t[tree.name][c];
      const cs = cpu[tree.name][c];
      const cells = [
        tree.name,
        c,
        median(xs).toFixed(1),
        Math.min(...xs).toFixed(1),
        Math.max(...xs).toFixed(1),
        median(ratio[tree.name][c]).toFixed(2),
        median(cs).toFixed(1),
        Math.min(...cs).toFixed(1),
      ];
      lines.push(cells.join('\t'));
    }
  }
  process.stdout.write(lines.join('\n') + '\n');
}

main();
