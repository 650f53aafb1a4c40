#include "windows/credential_manager_format.hpp"

#include <charconv>
#include <cstdio>

namespace pat::platform::credman_format {
namespace {

constexpr std::string_view k_pointer_version = "docker-credential-pat/1";

template <class Number>
bool parse_field(std::string_view& rest, std::string_view name, Number& out, int base = 10) {
    if (rest.substr(0, name.size()) != name || rest.size() == name.size() ||
        rest[name.size()] != '=') {
        return false;
    }
    rest.remove_prefix(name.size() + 1);
    const char* end = rest.data() + rest.size();
    auto [next, ec] = std::from_chars(rest.data(), end, out, base);
    if (ec != std::errc() || next == rest.data()) return false;
    rest.remove_prefix(static_cast<std::size_t>(next - rest.data()));
    if (!rest.empty()) {
        if (rest.front() != ' ') return false;
        rest.remove_prefix(1);
    }
    return true;
}

}  // namespace

bool is_docker_item(const credman::Item& item) {
    for (const auto& [keyword, value] : item.attributes) {
        if (keyword == k_label_keyword && value == k_label) return true;
    }
    if (!item.attributes.empty()) return false;
    const std::string_view comment = item.comment;
    return comment.substr(0, comment.find('\n')) == k_label;
}

std::string head_comment(const std::optional<PartsPointer>& pointer) {
    std::string out(k_label);
    if (!pointer) return out;
    char generation[17];
    std::snprintf(generation, sizeof generation, "%016llx",
                  static_cast<unsigned long long>(pointer->generation));
    out += '\n';
    out += k_pointer_version;
    out += " generation=" + std::string(generation) + " parts=" + std::to_string(pointer->parts) +
           " secret=" + std::to_string(pointer->secret_size) +
           " metadata=" + std::to_string(pointer->metadata_size);
    return out;
}

cred::Result<std::optional<PartsPointer>> parse_head_comment(std::string_view comment) {
    const auto newline = comment.find('\n');
    if (newline == std::string_view::npos) return std::optional<PartsPointer>();
    std::string_view rest = comment.substr(newline + 1);
    if (rest.substr(0, k_pointer_version.size() + 1) != std::string(k_pointer_version) + " ") {
        return std::optional<PartsPointer>();  // someone else's comment: no parts
    }
    rest.remove_prefix(k_pointer_version.size() + 1);
    PartsPointer pointer;
    if (!parse_field(rest, "generation", pointer.generation, 16) ||
        !parse_field(rest, "parts", pointer.parts) ||
        !parse_field(rest, "secret", pointer.secret_size) ||
        !parse_field(rest, "metadata", pointer.metadata_size) || !rest.empty()) {
        return fail(cred::Error{cred::Errc::backend,
                                "Credential Manager: the item's part list is malformed"});
    }
    return std::optional<PartsPointer>(pointer);
}

std::string part_target(std::uint64_t generation, std::uint32_t index) {
    char name[80];
    std::snprintf(name, sizeof name, "docker-credential-pat:part:%016llx:%lu",
                  static_cast<unsigned long long>(generation), static_cast<unsigned long>(index));
    return name;
}

std::optional<std::uint64_t> part_generation(std::string_view target) {
    constexpr std::string_view k_prefix = "docker-credential-pat:part:";
    // Case-insensitive, as the Credential Manager compares names.
    if (target.size() < k_prefix.size() + 17) return std::nullopt;
    for (std::size_t i = 0; i < k_prefix.size(); ++i) {
        const char c = target[i];
        const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        if (lower != k_prefix[i]) return std::nullopt;
    }
    std::string_view rest = target.substr(k_prefix.size());
    std::uint64_t generation = 0;
    auto [next, ec] = std::from_chars(rest.data(), rest.data() + 16, generation, 16);
    if (ec != std::errc() || next != rest.data() + 16 || rest[16] != ':') return std::nullopt;
    return generation;
}

std::string encode_metadata(const cred::Metadata& metadata) {
    std::string out;
    for (const auto& [name, value] : metadata) {
        out += name;
        out += '\0';
        out += value;
        out += '\0';
    }
    return out;
}

std::optional<cred::Metadata> decode_metadata(std::string_view block) {
    cred::Metadata out;
    while (!block.empty()) {
        const auto name_end = block.find('\0');
        if (name_end == std::string_view::npos || name_end == 0) return std::nullopt;
        const auto value_end = block.find('\0', name_end + 1);
        if (value_end == std::string_view::npos) return std::nullopt;
        out.emplace(std::string(block.substr(0, name_end)),
                    std::string(block.substr(name_end + 1, value_end - name_end - 1)));
        block.remove_prefix(value_end + 1);
    }
    return out;
}

}  // namespace pat::platform::credman_format
