# Included from the top-level CMakeLists.txt (so imported targets are visible everywhere).
# Third-party dependencies: all from Debian packages (tools/setup.sh). CMake glue only, no copied code.
#   volk      : /usr/include/volk.c compiled as one unit; loads the Vulkan loader at run time (no link to libvulkan).
#   fmt, tomlplusplus, nlohmann_json, CLI11, doctest: their packages' CMake configs.
#   xxhash    : libxxhash's pkg-config file (Debian ships no CMake config for it).
find_package(fmt REQUIRED)
find_package(Threads REQUIRED)
if(NOT EQVK_CPU_ONLY)
  find_package(VulkanHeaders REQUIRED)
  find_file(VOLK_SOURCE volk.c PATHS /usr/include NO_DEFAULT_PATH REQUIRED)
  add_library(eqvk_volk STATIC ${VOLK_SOURCE})
  target_compile_definitions(eqvk_volk PUBLIC VK_NO_PROTOTYPES)
  target_link_libraries(eqvk_volk PUBLIC Vulkan::Headers ${CMAKE_DL_LIBS})
  set_target_properties(eqvk_volk PROPERTIES POSITION_INDEPENDENT_CODE ON)
  find_package(CLI11 REQUIRED)
endif()
find_package(tomlplusplus REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
if(EQVK_BUILD_TESTS)
  find_package(doctest REQUIRED)
endif()
