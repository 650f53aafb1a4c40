#include "windows/wide_text.hpp"

#include <windows.h>

#include <climits>

namespace pat::platform::wide {

std::optional<std::wstring> from_utf8(std::string_view text) {
    if (text.empty()) return std::wstring();
    if (text.find('\0') != std::string_view::npos || text.size() > INT_MAX) return std::nullopt;
    const int in_size = static_cast<int>(text.size());
    const int size =
        MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text.data(), in_size, nullptr, 0);
    if (size <= 0) return std::nullopt;
    std::wstring out(static_cast<std::size_t>(size), L'\0');
    if (MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text.data(), in_size, out.data(),
                            size) != size) {
        return std::nullopt;
    }
    return out;
}

std::optional<std::string> to_utf8(std::wstring_view text) {
    if (text.empty()) return std::string();
    if (text.size() > INT_MAX) return std::nullopt;
    const int in_size = static_cast<int>(text.size());
    const int size = WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, text.data(), in_size,
                                         nullptr, 0, nullptr, nullptr);
    if (size <= 0) return std::nullopt;
    std::string out(static_cast<std::size_t>(size), '\0');
    if (WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, text.data(), in_size, out.data(), size,
                            nullptr, nullptr) != size) {
        return std::nullopt;
    }
    return out;
}

}  // namespace pat::platform::wide
