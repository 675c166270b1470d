# EQVK_SANITIZE=ON: every target is built with ASan + UBSan (CI runs the CPU-only tests this way).
if(EQVK_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
