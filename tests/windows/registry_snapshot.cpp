// A snapshot of Wine's Credential Manager for tests/blackbox/helper_golden.py
// (credman mode), read from the registry where Wine keeps it
// (HKCU\Software\Wine\Credential Manager), not through advapi32's Cred*
// functions the helper uses. It stays running: each line on stdin asks for
// one snapshot, printed as key and value lines (data in hex) and "END", so
// a snapshot costs no wine process start.
#include <fcntl.h>
#include <io.h>
#include <windows.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

namespace {

void dump(HKEY parent, const std::wstring& path, std::string& out) {
    HKEY key = nullptr;
    if (RegOpenKeyExW(parent, path.c_str(), 0, KEY_READ, &key) != ERROR_SUCCESS) return;
    char line[64];
    out += "key ";
    for (wchar_t c : path) {
        std::snprintf(line, sizeof line, "%04x", static_cast<unsigned>(c));
        out += line;
    }
    out += '\n';
    std::vector<wchar_t> name(16384);
    std::vector<BYTE> data(1 << 20);
    for (DWORD i = 0;; ++i) {
        DWORD name_size = static_cast<DWORD>(name.size());
        DWORD data_size = static_cast<DWORD>(data.size());
        DWORD type = 0;
        if (RegEnumValueW(key, i, name.data(), &name_size, nullptr, &type, data.data(),
                          &data_size) != ERROR_SUCCESS) {
            break;
        }
        out += "value ";
        for (DWORD j = 0; j < name_size; ++j) {
            std::snprintf(line, sizeof line, "%04x", static_cast<unsigned>(name[j]));
            out += line;
        }
        std::snprintf(line, sizeof line, " type %lu ", static_cast<unsigned long>(type));
        out += line;
        for (DWORD j = 0; j < data_size; ++j) {
            std::snprintf(line, sizeof line, "%02x", data[j]);
            out += line;
        }
        out += '\n';
    }
    std::vector<std::wstring> children;
    for (DWORD i = 0;; ++i) {
        DWORD name_size = static_cast<DWORD>(name.size());
        if (RegEnumKeyExW(key, i, name.data(), &name_size, nullptr, nullptr, nullptr, nullptr) !=
            ERROR_SUCCESS) {
            break;
        }
        children.emplace_back(name.data(), name_size);
    }
    RegCloseKey(key);
    for (const auto& child : children) dump(parent, path + L"\\" + child, out);
}

}  // namespace

int main() {
    _setmode(_fileno(stdout), _O_BINARY);  // "\n", not "\r\n"
    std::string request;
    while (std::getline(std::cin, request)) {
        std::string out;
        dump(HKEY_CURRENT_USER, L"Software\\Wine\\Credential Manager", out);
        std::cout << out << "END" << std::endl;
    }
    return 0;
}
