#pragma once
// WipingAllocator: std::allocator that zeroes memory before giving it back,
// for containers that may hold secrets and grow (a reallocation would
// otherwise leave the old copy behind in freed memory). WipingString is a
// std::basic_string on it; its in-object buffer (short strings, up to 15
// bytes) is not heap memory and is not covered.

#include <cstddef>
#include <memory>
#include <string>

namespace pat {

template <class T>
struct WipingAllocator {
    using value_type = T;

    WipingAllocator() noexcept = default;
    template <class U>
    WipingAllocator(const WipingAllocator<U>& /*other*/) noexcept {
    }  // NOLINT: converting by design

    T* allocate(std::size_t n) { return std::allocator<T>{}.allocate(n); }
    void deallocate(T* p, std::size_t n) noexcept {
        // volatile: the stores must happen although the memory dies next
        volatile unsigned char* bytes = reinterpret_cast<unsigned char*>(p);
        for (std::size_t i = 0; i < n * sizeof(T); ++i) bytes[i] = 0;
        std::allocator<T>{}.deallocate(p, n);
    }

    template <class U>
    bool operator==(const WipingAllocator<U>& /*other*/) const noexcept {
        return true;
    }
};

using WipingString = std::basic_string<char, std::char_traits<char>, WipingAllocator<char>>;

}  // namespace pat
