#include "windows/credential_manager_io.hpp"

// wincred.h needs the types of windows.h first.
// clang-format off
#include <windows.h>
#include <wincred.h>
// clang-format on

#include <memory>
#include <stdexcept>

#include "common/secret.hpp"
#include "windows/wide_text.hpp"

namespace pat::platform::credman {
namespace {

using cred::Errc;
using cred::Error;

// What CredFree releases may hold secrets: wipe the blobs first.
struct CredentialDeleter {
    void operator()(CREDENTIALW* credential) const noexcept {
        if (credential->CredentialBlob) {
            SecureZeroMemory(credential->CredentialBlob, credential->CredentialBlobSize);
        }
        CredFree(credential);
    }
};
struct CredentialListDeleter {
    DWORD count = 0;
    void operator()(CREDENTIALW** list) const noexcept {
        for (DWORD i = 0; i < count; ++i) {
            if (list[i]->CredentialBlob) {
                SecureZeroMemory(list[i]->CredentialBlob, list[i]->CredentialBlobSize);
            }
        }
        CredFree(list);
    }
};

Error system_error(const char* call, DWORD code) {
    return Error{Errc::backend, std::string("Credential Manager: ") + call +
                                    " failed (Windows error " + std::to_string(code) + ")"};
}

std::string utf8_or_empty(const wchar_t* text) {
    if (!text) return {};
    return wide::to_utf8(text).value_or(std::string());
}

std::optional<Item> to_item(const CREDENTIALW& credential, bool with_blob) {
    if (!credential.TargetName) return std::nullopt;
    auto target = wide::to_utf8(credential.TargetName);
    if (!target) return std::nullopt;
    Item item;
    item.target = std::move(*target);
    item.username = utf8_or_empty(credential.UserName);
    item.comment = utf8_or_empty(credential.Comment);
    for (DWORD i = 0; i < credential.AttributeCount; ++i) {
        const CREDENTIAL_ATTRIBUTEW& attribute = credential.Attributes[i];
        item.attributes.emplace_back(
            utf8_or_empty(attribute.Keyword),
            std::string(reinterpret_cast<const char*>(attribute.Value), attribute.ValueSize));
    }
    item.last_written = (std::uint64_t{credential.LastWritten.dwHighDateTime} << 32) |
                        credential.LastWritten.dwLowDateTime;
    if (with_blob && credential.CredentialBlobSize > 0) {
        item.blob.assign(reinterpret_cast<const char*>(credential.CredentialBlob),
                         credential.CredentialBlobSize);
    }
    return item;
}

std::wstring wide_or_throw(const std::string& text) {
    // The store converts (and refuses) user input before it gets here.
    auto out = wide::from_utf8(text);
    if (!out) throw std::invalid_argument("credman: a string that is not UTF-8 reached the API");
    return std::move(*out);
}

}  // namespace

cred::Result<std::optional<Item>> read(const std::string& target) {
    const std::wstring name = wide_or_throw(target);
    CREDENTIALW* raw = nullptr;
    if (!CredReadW(name.c_str(), CRED_TYPE_GENERIC, 0, &raw)) {
        const DWORD code = GetLastError();
        if (code == ERROR_NOT_FOUND) return std::optional<Item>();
        return fail(system_error("CredReadW", code));
    }
    std::unique_ptr<CREDENTIALW, CredentialDeleter> credential(raw);
    return to_item(*credential, true);
}

cred::Result<void> write(const Item& item) {
    const std::wstring target = wide_or_throw(item.target);
    const std::wstring username = wide_or_throw(item.username);
    std::wstring comment = wide_or_throw(item.comment);
    std::vector<std::wstring> keywords;
    keywords.reserve(item.attributes.size());
    std::vector<CREDENTIAL_ATTRIBUTEW> attributes(item.attributes.size());
    for (std::size_t i = 0; i < item.attributes.size(); ++i) {
        keywords.push_back(wide_or_throw(item.attributes[i].first));
        attributes[i].Keyword = keywords.back().data();
        attributes[i].ValueSize = static_cast<DWORD>(item.attributes[i].second.size());
        attributes[i].Value =
            reinterpret_cast<BYTE*>(const_cast<char*>(item.attributes[i].second.data()));
    }
    CREDENTIALW credential{};
    credential.Type = CRED_TYPE_GENERIC;
    credential.TargetName = const_cast<wchar_t*>(target.c_str());
    credential.UserName = item.username.empty() ? nullptr : const_cast<wchar_t*>(username.c_str());
    credential.Comment = comment.empty() ? nullptr : comment.data();
    credential.Persist = CRED_PERSIST_LOCAL_MACHINE;
    credential.AttributeCount = static_cast<DWORD>(attributes.size());
    credential.Attributes = attributes.empty() ? nullptr : attributes.data();
    credential.CredentialBlobSize = static_cast<DWORD>(item.blob.size());
    credential.CredentialBlob =
        item.blob.empty() ? nullptr : reinterpret_cast<BYTE*>(const_cast<char*>(item.blob.data()));
    if (!CredWriteW(&credential, 0)) return fail(system_error("CredWriteW", GetLastError()));
    return {};
}

cred::Result<void> remove(const std::string& target) {
    const std::wstring name = wide_or_throw(target);
    if (CredDeleteW(name.c_str(), CRED_TYPE_GENERIC, 0)) return {};
    const DWORD code = GetLastError();
    // Wine 8 answers ERROR_NOT_SUPPORTED where Windows answers ERROR_NOT_FOUND
    // (docs/windows.md "Wine").
    if (code == ERROR_NOT_FOUND || code == ERROR_NOT_SUPPORTED) return {};
    return fail(system_error("CredDeleteW", code));
}

std::uint64_t now_filetime() {
    FILETIME now;
    GetSystemTimeAsFileTime(&now);
    return (std::uint64_t{now.dwHighDateTime} << 32) | now.dwLowDateTime;
}

cred::Result<std::vector<Item>> enumerate(const std::string& prefix, bool with_blobs) {
    std::wstring filter;
    if (!prefix.empty()) filter = wide_or_throw(prefix) + L"*";
    DWORD count = 0;
    CREDENTIALW** raw = nullptr;
    if (!CredEnumerateW(filter.empty() ? nullptr : filter.c_str(), 0, &count, &raw)) {
        const DWORD code = GetLastError();
        if (code == ERROR_NOT_FOUND) return std::vector<Item>();
        return fail(system_error("CredEnumerateW", code));
    }
    std::unique_ptr<CREDENTIALW*, CredentialListDeleter> list(raw, CredentialListDeleter{count});
    std::vector<Item> out;
    for (DWORD i = 0; i < count; ++i) {
        if (raw[i]->Type != CRED_TYPE_GENERIC) continue;
        if (auto item = to_item(*raw[i], with_blobs)) out.push_back(std::move(*item));
    }
    return out;
}

}  // namespace pat::platform::credman
