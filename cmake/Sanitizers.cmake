# EQVK_SANITIZE=ON: every target is built with ASan + UBSan (CI runs every test this way, GPU suites
# included; tools/test.sh). -O1 keeps the double-precision CPU references and the solver fast enough
# for CI while the sanitizers still see every access (it comes after the build type's -O flag).
if(EQVK_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -O1)
  add_link_options(-fsanitize=address,undefined)
endif()

# EQVK_FUZZ=ON: every target is instrumented for libFuzzer, with ASan + UBSan (clang only; the fuzz
# executables add -fsanitize=fuzzer at link time, tests/fuzz/CMakeLists.txt).
if(EQVK_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "EQVK_FUZZ=ON needs clang (CC=clang CXX=clang++); this is ${CMAKE_CXX_COMPILER_ID}")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=address,undefined)
endif()
