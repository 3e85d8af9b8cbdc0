# switchyard_switcher(<root> <abi_var> <sources_var>)
#
# The context switcher generated for the target processor: sets <abi_var> to
# its ABI stem and <sources_var> to its two files under <root>/native/gen, or
# both to "" when no switcher exists for the processor. The target processor
# is CMAKE_SYSTEM_PROCESSOR (which a cross toolchain file sets), or on Apple
# a single CMAKE_OSX_ARCHITECTURES entry (which cmake-js --arch sets). No
# switcher is generated for Windows' ABIs.
function(switchyard_switcher root abi_var sources_var)
  string(TOLOWER "${CMAKE_SYSTEM_PROCESSOR}" processor)
  if(WIN32)
    set(processor windows)
  endif()
  if(APPLE AND CMAKE_OSX_ARCHITECTURES)
    list(LENGTH CMAKE_OSX_ARCHITECTURES n)
    if(NOT n EQUAL 1)
      message(FATAL_ERROR "switchyard: one architecture per build (CMAKE_OSX_ARCHITECTURES is '${CMAKE_OSX_ARCHITECTURES}')")
    endif()
    string(TOLOWER "${CMAKE_OSX_ARCHITECTURES}" processor)
  endif()
  if(processor MATCHES "^(x86_64|amd64|x64)$")
    set(abi x86_64_sysv)
  elseif(processor MATCHES "^(aarch64|arm64)$")
    if(APPLE)
      set(abi aarch64_apple)
    else()
      set(abi aarch64_aapcs64)
    endif()
  elseif(processor MATCHES "^riscv64$")
    set(abi riscv64_lp64d)
  else()
    set(${abi_var} "" PARENT_SCOPE)
    set(${sources_var} "" PARENT_SCOPE)
    return()
  endif()

  set(switcher "${root}/native/gen/context_${abi}.S" "${root}/native/gen/context_make_${abi}.c")
  foreach(f ${switcher})
    if(NOT EXISTS "${f}")
      message(FATAL_ERROR "switchyard: ${f} is missing; run `npm run gen`")
    endif()
  endforeach()
  set(${abi_var} ${abi} PARENT_SCOPE)
  set(${sources_var} ${switcher} PARENT_SCOPE)
endfunction()

# switchyard_add_runtime(<target> <root> <abi_var>)
#
# Adds the static library <target>: the C runtime (<root>/native/src) and the
# context switcher generated for the target processor (switchyard_switcher).
# Sets <abi_var> to the switcher's ABI stem, or to "" (adding nothing) when no
# switcher exists for the processor.
# Used by switchyard's own CMakeLists.txt and by its CMake package.
function(switchyard_add_runtime target root abi_var)
  switchyard_switcher("${root}" abi switcher)
  if(NOT abi)
    set(${abi_var} "" PARENT_SCOPE)
    return()
  endif()

  file(GLOB sources "${root}/native/src/*.c")
  add_library(${target} STATIC ${sources} ${switcher})
  target_include_directories(${target} PUBLIC "${root}/native/include" PRIVATE "${root}/native/gen")
  # PIC: addons link it into a shared object
  set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON C_STANDARD 11 C_EXTENSIONS ON)
  if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:C>:-Wall -Wextra>)
  endif()
  set(${abi_var} ${abi} PARENT_SCOPE)
endfunction()
