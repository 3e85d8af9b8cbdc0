{
  # switchyard's C runtime (coroutines, scheduler, channels, select) on the
  # context switcher generated for the target architecture, as a static
  # library for other addons built with node-gyp:
  #
  #   "dependencies": ["<!(node -p \"require('switchyard/dist/lib/native-dependency').gyp\")"]
  #
  # The include dir (<switchyard.h>) reaches dependents through
  # direct_dependent_settings. Cross builds pick the switcher from
  # target_arch (node-gyp --arch), not from the build machine.
  "targets": [
    {
      "target_name": "switchyard_runtime",
      "type": "static_library",
      "sources": [
        "native/src/errors.c",
        "native/src/stack.c",
        "native/src/switch.c",
        "native/src/coro.c",
        "native/src/sched.c",
        "native/src/chan.c",
        "native/src/select.c",
        "native/src/overflow.c"
      ],
      "include_dirs": ["native/include", "native/gen"],
      "direct_dependent_settings": { "include_dirs": ["native/include"] },
      "conditions": [
        ["OS!='win' and OS!='mac'", { "cflags": ["-fPIC", "-std=gnu11"] }],
        ["OS=='mac'", { "xcode_settings": { "GCC_C_LANGUAGE_STANDARD": "gnu11" } }],
        ["target_arch=='x64' and OS!='win'", {
          "sources": ["native/gen/context_x86_64_sysv.S", "native/gen/context_make_x86_64_sysv.c"]
        }],
        ["target_arch=='arm64' and OS!='mac' and OS!='win'", {
          "sources": ["native/gen/context_aarch64_aapcs64.S", "native/gen/context_make_aarch64_aapcs64.c"]
        }],
        ["target_arch=='arm64' and OS=='mac'", {
          "sources": ["native/gen/context_aarch64_apple.S", "native/gen/context_make_aarch64_apple.c"]
        }],
        ["target_arch=='riscv64' and OS=='linux'", {
          "sources": ["native/gen/context_riscv64_lp64d.S", "native/gen/context_make_riscv64_lp64d.c"]
        }]
      ]
    }
  ]
}
