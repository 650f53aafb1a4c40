#pragma once
// glibc's explicit_bzero for the Windows build, force-included into
// src/common (platform/windows/CMakeLists.txt) so that common/secret.cpp
// keeps one spelling and no platform switch. Defined over SecureZeroMemory,
// which the compiler may not elide either.
#include <cstddef>

extern "C" void explicit_bzero(void* data, std::size_t size);
