# eqvk_warnings: an interface target carrying the project's warning flags (-Werror with EQVK_WERROR=ON).
add_library(eqvk_warnings INTERFACE)
# -Wno-missing-field-initializers: Vulkan structs are initialised as `T x{VK_STRUCTURE_TYPE_...}` (rest zero).
target_compile_options(eqvk_warnings INTERFACE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers
  $<$<BOOL:${EQVK_WERROR}>:-Werror>
  $<$<CONFIG:Debug>:-D_GLIBCXX_ASSERTIONS>)
