{
  # What the Node addon compiles, besides the context switcher for the target
  # architecture: binding.gyp (node-gyp) includes this file, and
  # CMakeLists.txt (cmake-js) parses it, so both build from this one list.
  # Paths are relative to the package root. Keep one quoted item per line;
  # test/packaging/cmake-addon.test.ts checks that every native/addon/*.cc
  # (and native/addon/*/*.cc) is listed and that node-gyp and cmake-js compile the same files.
  "variables": {
    "switchyard_addon_sources": [
      "native/addon/addon.cc",
      "native/addon/async_context.cc",
      "native/addon/collected_fiber.cc",
      "native/addon/cped_guard.cc",
      "native/addon/elf_symbols.cc",
      "native/addon/fiber_binding.cc",
      "native/addon/fiber_core.cc",
      "native/addon/fiber_stack.cc",
      "native/addon/microtask_queues.cc",
      "native/addon/node_async_ids.cc",
      "native/addon/read_memory.cc",
      "native/addon/threads_backend.cc",
      "native/addon/tls_backend.cc",
      "native/addon/v8_handoff/arm64_code_match.cc",
      "native/addon/v8_handoff/discover_handoff_arm64.cc",
      "native/addon/v8_handoff/discover_handoff_none.cc",
      "native/addon/v8_handoff/discover_handoff_x64.cc",
      "native/addon/v8_handoff/handoff_ops.cc",
      "native/addon/v8_handoff/stack_limit.cc",
      "native/addon/v8_handoff/straight_copy.cc",
      "native/addon/v8_handoff/straight_copy_arm64.cc",
      "native/addon/v8_handoff/tls_identity.cc",
      "native/addon/v8_handoff/v8_handoff.cc",
      "native/addon/v8_handoff/v8_symbols.cc",
      "native/addon/v8_handoff/x64_code_match.cc",
      "native/src/stack.c"
    ],
    "switchyard_addon_defines": [
      "NAPI_VERSION=8",
      "NAPI_DISABLE_CPP_EXCEPTIONS",
      "NODE_ADDON_API_DISABLE_DEPRECATED"
    ]
  }
}
