{
  # The Node addon: JavaScript fibers on switchyard's generated context
  # switcher. Build: npx node-gyp rebuild   (output: build/Release/switchyard.node)
  # The sources and defines are native/addon/sources.gypi's, which
  # CMakeLists.txt reads too (cmake-js builds the same addon).
  "includes": ["native/addon/sources.gypi"],
  "targets": [
    {
      "target_name": "switchyard",
      "sources": ["<@(switchyard_addon_sources)"],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "native/include",
        "native/addon"
      ],
      "defines": ["<@(switchyard_addon_defines)"],
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
