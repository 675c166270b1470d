// Error types shared by every module, and EQVK_ASSERT for invariants.
// cli maps them to exit codes (docs/architecture.md): InputError → 2, NonFiniteError → 6, anything
// else → 1;
// Vulkan errors (vk/check.h) derive from Error and map to 3..5.
#pragma once
#include <stdexcept>
#include <string>

namespace eqvk {

/// Base of every error eqvk throws on purpose; what() is a complete one-line message for the user.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Bad input from the user: config key, model or dataset file, device choice, CLI argument.
/// The message names what is wrong and where (file, key, line, index).
class InputError : public Error {
public:
    using Error::Error;
};

/// A computed result that is NaN or ±Inf (a model whose activations overflow, e.g. in fp16): the
/// result is refused, never printed or written. The message names the game/decision or row.
class NonFiniteError : public Error {
public:
    using Error::Error;
};

/// The user stopped the work (SIGINT/SIGTERM seen through a stop flag); cli exits 130.
class Interrupted : public Error {
public:
    using Error::Error;
};

[[noreturn]] void assert_fail(const char* expr, const char* file, int line);

}  // namespace eqvk

#if defined(NDEBUG) && !defined(EQVK_ENABLE_ASSERTS)
#define EQVK_ASSERT(expr) ((void)0)
#else
/// Invariant check: on in Debug builds and tests, off in Release.
#define EQVK_ASSERT(expr) ((expr) ? (void)0 : ::eqvk::assert_fail(#expr, __FILE__, __LINE__))
#endif
