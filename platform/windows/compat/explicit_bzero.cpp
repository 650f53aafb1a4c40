#include "windows/compat/explicit_bzero.hpp"

#include <windows.h>

extern "C" void explicit_bzero(void* data, std::size_t size) {
    SecureZeroMemory(data, size);
}
