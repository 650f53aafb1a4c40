#include "credentials/protocol.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "common/secret.hpp"
#include "common/terminal_text.hpp"
#include "common/version.hpp"
#include "credentials/input_text.hpp"
#include "credentials/json_codec.hpp"
#include "credentials/server_url.hpp"

namespace pat::cred {
namespace {

// Reads stdin in 64 KiB chunks and stops one byte past the limit, so an
// endless stream costs bounded memory and time.
Result<std::string> read_bounded(std::istream& in) {
    std::string data;
    // Not zeroed first: a `get` reads a few dozen bytes, and only the bytes
    // that held input are wiped (zeroing 64 KiB twice was 8 % of a
    // Secret Service get's instructions, docs/benchmarks.md).
    std::array<char, std::size_t{64} * 1024> chunk;
    std::size_t used = 0;  // the bytes of `chunk` that held input
    while (in) {
        in.read(chunk.data(), chunk.size());
        const auto got = static_cast<std::size_t>(in.gcount());
        used = std::max(used, got);
        if (data.size() + got > k_max_stdin_bytes) {
            wipe_string(data);
            wipe_bytes(chunk.data(), used);
            return fail(Error{Errc::too_large, "payload too large: the helper reads at most " +
                                                   std::to_string(k_max_stdin_bytes) +
                                                   " bytes from stdin"});
        }
        if (data.capacity() < data.size() + got) {
            // Grow by hand so no unwiped copy of a secret is left behind.
            std::string bigger;
            bigger.reserve(std::max(2 * data.capacity(), data.size() + got));
            bigger.assign(data);
            wipe_string(data);
            data.swap(bigger);
        }
        data.append(chunk.data(), got);
    }
    wipe_bytes(chunk.data(), used);
    return data;
}

// The bytes of a payload, wiped when the action is done.
struct WipedString {
    std::string bytes;
    ~WipedString() { wipe_string(bytes); }
};

int do_store(CredentialStore& store, std::istream& in, std::ostream& out) {
    auto raw = read_bounded(in);
    if (!raw) return write_error(out, raw.error().message);
    WipedString payload{std::move(raw).value()};
    RawUtf8Flaws flaws;
    auto creds = decode_credentials(payload.bytes, &flaws);
    if (!creds) return write_error(out, creds.error().message);
    if (creds->server_url.empty()) return write_error(out, k_missing_server_url_message);
    if (creds->username.empty()) return write_error(out, k_missing_username_message);
    // Before any keychain or network work (docs/inputs.md): such a key could
    // be written but never read, listed or erased again.
    if (flaws.server_url) return write_error(out, "invalid server URL: not valid UTF-8");
    if (auto problem = server_url_problem(creds->server_url)) return write_error(out, *problem);
    if (flaws.username) return write_error(out, "invalid username: not valid UTF-8");
    if (auto problem = username_problem(creds->username)) return write_error(out, *problem);
    if (auto added = store.add(*creds); !added) return write_error(out, added.error().message);
    return 0;
}

// The trimmed server URL of a `get`/`erase` request.
Result<std::string> read_server_url(std::istream& in) {
    auto raw = read_bounded(in);
    if (!raw) return fail(std::move(raw).error());
    std::string key(trim_server_url(*raw));
    if (key.empty()) return fail(missing_server_url());
    if (auto problem = server_url_problem(key)) return fail(Error{Errc::bad_input, *problem});
    return key;
}

Result<Credentials> lookup(CredentialStore& store, const std::string& key) {
    auto found = store.get(key);
    if (found || found.error().code != Errc::not_found) return found;
    for (const std::string& alias : fallback_keys(key)) {
        auto hit = store.get(alias);
        if (hit || hit.error().code != Errc::not_found) return hit;
    }
    return found;
}

int do_get(CredentialStore& store, std::istream& in, std::ostream& out) {
    auto key = read_server_url(in);
    if (!key) return write_error(out, key.error().message);
    auto creds = lookup(store, *key);
    if (!creds) return write_error(out, creds.error().message);
    // The reply repeats the key that was asked for, not the stored one.
    WipedString reply{encode_credentials(*key, creds->username, creds->secret)};
    out.write(reply.bytes.data(), static_cast<std::streamsize>(reply.bytes.size()));
    return 0;
}

int do_erase(CredentialStore& store, std::istream& in, std::ostream& out) {
    auto key = read_server_url(in);
    if (!key) return write_error(out, key.error().message);
    // A key that matches nothing is "credentials not found in native
    // keychain", exit 1, as upstream's osxkeychain and pass helpers say it
    // (docs/inputs.md): never a silent success that leaves an item behind.
    if (auto erased = store.erase(*key); !erased) return write_error(out, erased.error().message);
    return 0;
}

int do_list(CredentialStore& store, std::ostream& out) {
    auto entries = store.list();
    if (!entries) return write_error(out, entries.error().message);
    out << encode_list(*entries);
    return 0;
}

}  // namespace

std::string version_line() {
    return std::string(k_program_name) + " (" + k_package + ") " + k_version;
}

int write_error(std::ostream& out, std::string_view message) {
    std::string line(message);
    for (char& c : line) {
        if (c == '\n' || c == '\r') c = ' ';
    }
    // The docker CLI prints this line on the user's terminal: a key or a
    // token service's reason in it must not carry terminal controls.
    line = terminal_safe(line);
    if (line.empty()) line = "unknown error";
    out << line << '\n';
    return 1;
}

int run_action(CredentialStore& store, std::string_view action, std::istream& in,
               std::ostream& out) {
    if (action == "store") return do_store(store, in, out);
    if (action == "get") return do_get(store, in, out);
    if (action == "erase") return do_erase(store, in, out);
    if (action == "list") return do_list(store, out);
    if (action == "version") {
        out << version_line() << '\n';
        return 0;
    }
    return write_error(out, unknown_action_message(action));
}

std::string unknown_action_message(std::string_view action) {
    return std::string(k_program_name) + ": unknown action: " + std::string(action);
}

}  // namespace pat::cred
