#include "linux/kernel_keyring_format.hpp"

#include <cstdio>

namespace pat::platform::keyring_format {
namespace {

constexpr std::string_view k_magic = "DCP1";

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

}  // namespace

std::string encode_head(const Head& head) {
    std::string out;
    out.reserve(k_header_size + head.username.size() + head.inline_secret.size());
    out.append(k_magic);
    put(out, head.username.size(), 4);
    put(out, head.secret_size, 4);
    put(out, head.chunk_count, 4);
    put(out, head.generation, 8);
    out.append(head.username);
    if (head.chunk_count == 0) out.append(head.inline_secret);
    return out;
}

std::optional<Head> decode_head(std::string_view payload) {
    if (payload.size() < k_header_size || payload.substr(0, 4) != k_magic) return std::nullopt;
    Head head;
    const auto username_size = static_cast<std::size_t>(get(payload, 4, 4));
    head.secret_size = static_cast<std::uint32_t>(get(payload, 8, 4));
    head.chunk_count = static_cast<std::uint32_t>(get(payload, 12, 4));
    head.generation = get(payload, 16, 8);
    const std::size_t rest = payload.size() - k_header_size;
    const std::size_t expected = username_size + (head.chunk_count == 0 ? head.secret_size : 0);
    if (username_size > rest || rest != expected) return std::nullopt;
    head.username.assign(payload.substr(k_header_size, username_size));
    if (head.chunk_count == 0)
        head.inline_secret.assign(payload.substr(k_header_size + username_size));
    return head;
}

std::string chunk_description(std::uint64_t generation, std::uint32_t index) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "chunk:%016llx:%u", static_cast<unsigned long long>(generation),
                  index);
    return buf;
}

}  // namespace pat::platform::keyring_format
