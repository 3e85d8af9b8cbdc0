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

get_property(_sy_languages GLOBAL PROPERTY ENABLED_LANGUAGES)
foreach(_sy_lang C ASM)
  if(NOT _sy_lang IN_LIST _sy_languages)
    enable_language(${_sy_lang})
  endif()
endforeach()

include("${CMAKE_CURRENT_LIST_DIR}/switchyard-runtime.cmake")
switchyard_add_runtime(switchyard_runtime_pkg "${_sy_root}" _sy_abi)
if(NOT _sy_abi)
  set(switchyard_FOUND FALSE)
  set(switchyard_NOT_FOUND_MESSAGE "switchyard: no generated context switcher for processor '${CMAKE_SYSTEM_PROCESSOR}'")
  return()
endif()
add_library(switchyard::runtime ALIAS switchyard_runtime_pkg)

set(switchyard_ABI ${_sy_abi})
set(switchyard_INCLUDE_DIRS "${_sy_root}/native/include")
set(switchyard_FOUND TRUE)
