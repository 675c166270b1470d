# eqvk_warnings: an interface target carrying the project's warning flags (-Werror with EQVK_WERROR=ON).
add_library(eqvk_warnings INTERFACE)
target_compile_options(eqvk_warnings INTERFACE -Wall -Wextra -Wpedantic
  $<$<BOOL:${EQVK_WERROR}>:-Werror>
  $<$<CONFIG:Debug>:-D_GLIBCXX_ASSERTIONS>)
