# EQVK_SANITIZE=ON: every target is built with ASan + UBSan (CI runs every test this way, GPU suites
# included; tools/test.sh). -O1 keeps the double-precision CPU references and the solver fast enough
# for CI while the sanitizers still see every access (it comes after the build type's -O flag).
if(EQVK_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -O1)
  add_link_options(-fsanitize=address,undefined)
endif()
