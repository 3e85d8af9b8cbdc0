# switchyard's C runtime as a CMake package, for other native code (e.g. an
# addon built with cmake-js):
#
#   find_package(switchyard CONFIG REQUIRED)   # switchyard_DIR = <package>/native/cmake
#   target_link_libraries(my_addon PRIVATE switchyard::runtime)
#
# `node -p "require('switchyard/dist/lib/native-dependency').cmakeDir"` prints
# switchyard_DIR. The target is built from source in the consumer's build, for
# the consumer's target processor (CMAKE_SYSTEM_PROCESSOR, which a cross
# toolchain file or -DCMAKE_SYSTEM_PROCESSOR=aarch64 sets), so cross builds
# get the right generated switcher. Inside switchyard's own CMakeLists.txt
# the same target exists as switchyard_runtime (alias switchyard::runtime).
if(TARGET switchyard::runtime)
  return()
endif()

get_filename_component(_sy_root "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)

string(TOLOWER "${CMAKE_SYSTEM_PROCESSOR}" _sy_processor)
if(_sy_processor MATCHES "^(x86_64|amd64|x64)$")
  set(_sy_abi x86_64_sysv)
elseif(_sy_processor MATCHES "^(aarch64|arm64)$")
  if(APPLE)
    set(_sy_abi aarch64_apple)
  else()
    set(_sy_abi aarch64_aapcs64)
  endif()
elseif(_sy_processor MATCHES "^riscv64$")
  set(_sy_abi riscv64_lp64d)
else()
  set(switchyard_FOUND FALSE)
  set(switchyard_NOT_FOUND_MESSAGE "switchyard: no generated context switcher for processor '${CMAKE_SYSTEM_PROCESSOR}'")
  return()
endif()

get_property(_sy_languages GLOBAL PROPERTY ENABLED_LANGUAGES)
foreach(_sy_lang C ASM)
  if(NOT _sy_lang IN_LIST _sy_languages)
    enable_language(${_sy_lang})
  endif()
endforeach()

set(_sy_sources)
foreach(_sy_f errors stack switch coro sched chan select overflow)
  list(APPEND _sy_sources "${_sy_root}/native/src/${_sy_f}.c")
endforeach()
list(APPEND _sy_sources
  "${_sy_root}/native/gen/context_${_sy_abi}.S"
  "${_sy_root}/native/gen/context_make_${_sy_abi}.c")

add_library(switchyard_runtime_pkg STATIC ${_sy_sources})
add_library(switchyard::runtime ALIAS switchyard_runtime_pkg)
target_include_directories(switchyard_runtime_pkg
  PUBLIC "${_sy_root}/native/include"
  PRIVATE "${_sy_root}/native/gen")
set_target_properties(switchyard_runtime_pkg PROPERTIES
  POSITION_INDEPENDENT_CODE ON
  C_STANDARD 11
  C_EXTENSIONS ON)

set(switchyard_ABI ${_sy_abi})
set(switchyard_INCLUDE_DIRS "${_sy_root}/native/include")
set(switchyard_FOUND TRUE)
