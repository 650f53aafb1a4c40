#pragma once
// Shared by every fuzz target (docs/fuzzing.md): the libFuzzer entry point
// and the check that turns a broken promise into a crash the engine (or the
// corpus replay) reports. A target checks what the code promises its
// callers, not only that it returns: one error line, nothing stored, no
// piece of the input echoed.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace pat::fuzz {

[[noreturn]] inline void broken(const char* what) {
    std::fprintf(stderr, "fuzz: broken promise: %s\n", what);
    std::abort();
}

inline void check(bool holds, const char* what) {
    if (!holds) broken(what);
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// One line: not empty, ends with its only "\n".
inline bool one_line(std::string_view text) {
    return !text.empty() && text.back() == '\n' && text.find('\n') == text.size() - 1;
}

}  // namespace pat::fuzz
