#include "message_args.hpp"

#include <cstring>
#include <string_view>

namespace pat::platform::ss {
namespace {

// Enters the variant of a Properties.Get reply if it holds `contents`.
bool enter_property(sd_bus_message* reply, const char* contents) {
    char type = 0;
    const char* inside = nullptr;
    if (sd_bus_message_peek_type(reply, &type, &inside) <= 0 || type != 'v' || inside == nullptr ||
        std::strcmp(inside, contents) != 0) {
        return false;
    }
    return sd_bus_message_enter_container(reply, 'v', contents) > 0;
}

// The value bytes of a (oayays) secret struct, at the reader's position.
std::optional<Secret> read_secret_struct(sd_bus_message* reply) {
    if (sd_bus_message_enter_container(reply, 'r', "oayays") <= 0) return std::nullopt;
    const void* data = nullptr;
    std::size_t size = 0;
    if (sd_bus_message_skip(reply, "oay") < 0 ||
        sd_bus_message_read_array(reply, 'y', &data, &size) < 0 ||
        sd_bus_message_skip(reply, "s") < 0 || sd_bus_message_exit_container(reply) < 0) {
        return std::nullopt;
    }
    return Secret::copy_of(std::string_view(static_cast<const char*>(data), size));
}

}  // namespace

int append_attributes(sd_bus_message* message, const Attributes& attributes) {
    int r = sd_bus_message_open_container(message, 'a', "{ss}");
    for (auto it = attributes.begin(); r >= 0 && it != attributes.end(); ++it) {
        r = sd_bus_message_append(message, "{ss}", it->first.c_str(), it->second.c_str());
    }
    return r < 0 ? r : sd_bus_message_close_container(message);
}

int append_object_paths(sd_bus_message* message, const std::vector<std::string>& paths) {
    int r = sd_bus_message_open_container(message, 'a', "o");
    for (auto it = paths.begin(); r >= 0 && it != paths.end(); ++it) {
        r = sd_bus_message_append(message, "o", it->c_str());
    }
    return r < 0 ? r : sd_bus_message_close_container(message);
}

int append_plain_secret(sd_bus_message* message, const std::string& session, const Secret& secret) {
    const std::string_view bytes = secret.reveal();
    int r = sd_bus_message_sensitive(message);
    if (r >= 0) r = sd_bus_message_open_container(message, 'r', "oayays");
    if (r >= 0) r = sd_bus_message_append(message, "o", session.c_str());
    if (r >= 0) r = sd_bus_message_append_array(message, 'y', nullptr, 0);
    if (r >= 0) r = sd_bus_message_append_array(message, 'y', bytes.data(), bytes.size());
    if (r >= 0) r = sd_bus_message_append(message, "s", "text/plain");
    return r < 0 ? r : sd_bus_message_close_container(message);
}

std::string read_string(sd_bus_message* reply, char type) {
    const char* text = nullptr;
    const char types[2] = {type, '\0'};
    if (sd_bus_message_read(reply, types, &text) <= 0 || text == nullptr) return {};
    return text;
}

std::vector<std::string> read_object_paths(sd_bus_message* reply) {
    std::vector<std::string> paths;
    if (sd_bus_message_enter_container(reply, 'a', "o") <= 0) return paths;
    const char* path = nullptr;
    while (sd_bus_message_read(reply, "o", &path) > 0) paths.emplace_back(path);
    sd_bus_message_exit_container(reply);
    return paths;
}

std::vector<std::string> read_strings(sd_bus_message* reply) {
    std::vector<std::string> strings;
    if (sd_bus_message_enter_container(reply, 'a', "s") <= 0) return strings;
    const char* text = nullptr;
    while (sd_bus_message_read(reply, "s", &text) > 0) strings.emplace_back(text);
    sd_bus_message_exit_container(reply);
    return strings;
}

Attributes attributes_from_property(sd_bus_message* reply) {
    Attributes attributes;
    if (!enter_property(reply, "a{ss}") || sd_bus_message_enter_container(reply, 'a', "{ss}") <= 0)
        return attributes;
    const char* name = nullptr;
    const char* value = nullptr;
    while (sd_bus_message_read(reply, "{ss}", &name, &value) > 0) attributes.emplace(name, value);
    return attributes;
}

std::uint64_t uint64_from_property(sd_bus_message* reply) {
    std::uint64_t value = 0;
    if (!enter_property(reply, "t") || sd_bus_message_read(reply, "t", &value) <= 0) return 0;
    return value;
}

std::optional<bool> boolean_from_property(sd_bus_message* reply) {
    int value = 0;
    if (!enter_property(reply, "b") || sd_bus_message_read(reply, "b", &value) <= 0)
        return std::nullopt;
    return value != 0;
}

std::string session_path(sd_bus_message* reply) {
    if (sd_bus_message_skip(reply, "v") < 0) return {};
    return read_string(reply, 'o');
}

std::map<std::string, Secret> secrets_by_path(sd_bus_message* reply) {
    std::map<std::string, Secret> secrets;
    if (sd_bus_message_enter_container(reply, 'a', "{o(oayays)}") <= 0) return secrets;
    while (sd_bus_message_enter_container(reply, 'e', "o(oayays)") > 0) {
        const std::string path = read_string(reply, 'o');
        auto secret = read_secret_struct(reply);
        if (sd_bus_message_exit_container(reply) < 0 || !secret) break;
        secrets.insert_or_assign(path, std::move(*secret));
    }
    return secrets;
}

}  // namespace pat::platform::ss
