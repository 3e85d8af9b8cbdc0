{
  # The Node addon: JavaScript fibers on switchyard's generated context
  # switcher. Build: npx node-gyp rebuild   (output: build/Release/switchyard.node)
  "targets": [
    {
      "target_name": "switchyard",
      "sources": [
        "native/addon/addon.cc",
        "native/addon/cped_guard.cc",
        "native/addon/fiber_binding.cc",
        "native/addon/fiber_core.cc",
        "native/addon/fiber_stack.cc",
        "native/addon/threads_backend.cc",
        "native/addon/tls_backend.cc",
        "native/addon/tls_identity.cc",
        "native/src/stack.c"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "native/include",
        "native/addon"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NAPI_DISABLE_CPP_EXCEPTIONS",
        "NODE_ADDON_API_DISABLE_DEPRECATED"
      ],
      "cflags": ["-fvisibility=hidden", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "cflags_cc": ["-fno-exceptions"],
      "conditions": [
        ["target_arch=='x64' and OS!='win'", {
          "sources": [
            "native/gen/context_x86_64_sysv.S",
            "native/gen/context_make_x86_64_sysv.c"
          ]
        }],
        ["target_arch=='arm64' and OS=='linux'", {
          "sources": [
            "native/gen/context_aarch64_aapcs64.S",
            "native/gen/context_make_aarch64_aapcs64.c"
          ]
        }],
        ["target_arch=='arm64' and OS=='mac'", {
          "sources": [
            "native/gen/context_aarch64_apple.S",
            "native/gen/context_make_aarch64_apple.c"
          ]
        }]
      ]
    }
  ]
}
