#include "linux/kernel_keyring_format.hpp"

#include <cstdio>

#include "credentials/metadata.hpp"

namespace pat::platform::keyring_format {
namespace {

constexpr std::string_view k_magic_v1 = "DCP1";
constexpr std::string_view k_magic_v2 = "DCP2";
constexpr std::size_t k_header_v1 = 24;

void put(std::string& out, std::uint64_t value, int bytes) {
    for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

std::uint64_t get(std::string_view in, std::size_t at, int bytes) {
    std::uint64_t value = 0;
    for (int i = 0; i < bytes; ++i) {
        value |= std::uint64_t{static_cast<unsigned char>(in[at + static_cast<std::size_t>(i)])}
                 << (8 * i);
    }
    return value;
}

std::size_t metadata_block_size(const cred::Metadata& metadata) {
    std::size_t size = 0;
    for (const auto& [name, value] : metadata) size += 1 + name.size() + 2 + value.size();
    return size;
}

// Reads the metadata block; nullopt when it is malformed (a truncated entry,
// a bad name, a duplicate or out-of-order name).
std::optional<cred::Metadata> decode_metadata(std::string_view block) {
    cred::Metadata metadata;
    std::size_t pos = 0;
    while (pos < block.size()) {
        const auto name_size = static_cast<std::size_t>(get(block, pos, 1));
        if (block.size() - pos < 1 + name_size + 2) return std::nullopt;
        const std::string_view name = block.substr(pos + 1, name_size);
        const auto value_size = static_cast<std::size_t>(get(block, pos + 1 + name_size, 2));
        pos += 1 + name_size + 2;
        if (block.size() - pos < value_size || !cred::is_metadata_name(name)) return std::nullopt;
        if (!metadata.empty() && metadata.rbegin()->first >= name) return std::nullopt;
        metadata.emplace_hint(metadata.end(), name, block.substr(pos, value_size));
        pos += value_size;
    }
    return metadata;
}

}  // namespace

std::size_t head_size_without_secret(const std::string& username, const cred::Metadata& metadata) {
    if (metadata.empty()) return k_header_v1 + username.size();
    return k_header_size + username.size() + metadata_block_size(metadata);
}

std::string encode_head(const Head& head) {
    std::string out;
    out.reserve(head_size_without_secret(head.username, head.metadata) + head.inline_secret.size());
    out.append(head.metadata.empty() ? k_magic_v1 : k_magic_v2);
    put(out, head.username.size(), 4);
    put(out, head.secret_size, 4);
    put(out, head.chunk_count, 4);
    put(out, head.generation, 8);
    if (!head.metadata.empty()) put(out, metadata_block_size(head.metadata), 4);
    out.append(head.username);
    for (const auto& [name, value] : head.metadata) {
        put(out, name.size(), 1);
        out.append(name);
        put(out, value.size(), 2);
        out.append(value);
    }
    if (head.chunk_count == 0) out.append(head.inline_secret);
    return out;
}

std::optional<Head> decode_head(std::string_view payload) {
    if (payload.size() < k_header_v1) return std::nullopt;
    const std::string_view magic = payload.substr(0, 4);
    const bool v2 = magic == k_magic_v2;
    if (!v2 && magic != k_magic_v1) return std::nullopt;
    const std::size_t header = v2 ? k_header_size : k_header_v1;
    if (payload.size() < header) return std::nullopt;
    Head head;
    const auto username_size = static_cast<std::size_t>(get(payload, 4, 4));
    head.secret_size = static_cast<std::uint32_t>(get(payload, 8, 4));
    head.chunk_count = static_cast<std::uint32_t>(get(payload, 12, 4));
    head.generation = get(payload, 16, 8);
    const auto metadata_size = v2 ? static_cast<std::size_t>(get(payload, 24, 4)) : 0;
    const std::size_t rest = payload.size() - header;
    const std::size_t secret_size = head.chunk_count == 0 ? head.secret_size : 0;
    if (username_size > rest || metadata_size > rest - username_size ||
        rest - username_size - metadata_size != secret_size) {
        return std::nullopt;
    }
    head.username.assign(payload.substr(header, username_size));
    if (v2) {
        auto metadata = decode_metadata(payload.substr(header + username_size, metadata_size));
        if (!metadata || metadata->empty()) return std::nullopt;
        head.metadata = std::move(*metadata);
    }
    if (head.chunk_count == 0) {
        head.inline_secret.assign(payload.substr(header + username_size + metadata_size));
    }
    return head;
}

std::string chunk_description(std::uint64_t generation, std::uint32_t index) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "chunk:%016llx:%u", static_cast<unsigned long long>(generation),
                  index);
    return buf;
}

std::string pending_description(std::uint64_t generation) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "pending:%016llx", static_cast<unsigned long long>(generation));
    return buf;
}

namespace {

// The 16 hex digits after `prefix`, followed by `rest_starts` (or the end
// when it is NUL).
std::optional<std::uint64_t> generation_after(std::string_view description, std::string_view prefix,
                                              char rest_starts) {
    constexpr std::size_t k_digits = 16;
    if (!description.starts_with(prefix) || description.size() < prefix.size() + k_digits)
        return std::nullopt;
    const std::string_view hex = description.substr(prefix.size(), k_digits);
    const std::string_view rest = description.substr(prefix.size() + k_digits);
    if (rest_starts == '\0' ? !rest.empty() : (rest.empty() || rest.front() != rest_starts))
        return std::nullopt;
    std::uint64_t value = 0;
    for (const char c : hex) {
        int digit = -1;
        if (c >= '0' && c <= '9') digit = c - '0';
        if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
        if (digit < 0) return std::nullopt;
        value = (value << 4) | static_cast<std::uint64_t>(digit);
    }
    return value;
}

}  // namespace

std::optional<std::uint64_t> chunk_generation(std::string_view description) {
    return generation_after(description, "chunk:", ':');
}

std::optional<std::uint64_t> pending_generation(std::string_view description) {
    return generation_after(description, "pending:", '\0');
}

}  // namespace pat::platform::keyring_format
