// Fuzz target: the protocol reader, i.e. what `store`, `get`, `erase` and
// `list` read from stdin, through the whole action (credentials/protocol.hpp)
// over the in-memory store. The first byte picks the action, the rest is
// stdin. Promises checked: exit code 0 or 1; a failure is exactly one line;
// no error line carries the stored secret; a failed action leaves the store
// as it was; `store` keeps the secret it was given byte for byte.
#include <array>
#include <sstream>
#include <string>

#include "credentials/json_codec.hpp"
#include "credentials/memory_store.hpp"
#include "credentials/protocol.hpp"
#include "fuzz_check.hpp"

using namespace pat;

namespace {

constexpr std::string_view k_kept_key = "https://kept.example";
constexpr std::string_view k_kept_secret = "KEPTSECRET-4f1c";

cred::Credentials kept() {
    return cred::Credentials{
        std::string(k_kept_key), "kept-user", Secret(std::string(k_kept_secret)), {}};
}

bool kept_is_intact(cred::MemoryStore& store) {
    auto item = store.get(k_kept_key);
    return item.ok() && item->username == "kept-user" && item->secret.reveal() == k_kept_secret;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static constexpr std::array<std::string_view, 4> k_actions = {"store", "get", "erase", "list"};
    if (size == 0) return 0;
    const std::string_view action = k_actions[data[0] % k_actions.size()];
    const std::string_view input = fuzz::as_text(data + 1, size - 1);

    cred::MemoryStore store;
    fuzz::check(store.add(kept()).ok(), "seeding the store");
    auto before = store.list();
    fuzz::check(before.ok(), "list before");

    std::istringstream in{std::string(input)};
    std::ostringstream out;
    const int rc = cred::run_action(store, action, in, out);
    const std::string reply = out.str();

    fuzz::check(rc == 0 || rc == 1, "exit code is 0 or 1");
    if (rc == 1) {
        fuzz::check(fuzz::one_line(reply), "a failure is exactly one line");
        fuzz::check(reply.find(k_kept_secret) == std::string::npos, "no stored secret in an error");
        auto after = store.list();
        fuzz::check(after.ok() && *after == *before, "a failed action changes nothing");
        fuzz::check(kept_is_intact(store), "a failed action keeps the stored item");
        return 0;
    }
    if (action == "store") {
        fuzz::check(reply.empty(), "store answers nothing on success");
        // What was stored reads back as it was sent (the key verbatim).
        auto sent = cred::decode_credentials(input);
        fuzz::check(sent.ok(), "a stored payload decodes");
        auto back = store.get(sent->server_url);
        fuzz::check(back.ok() && back->username == sent->username &&
                        back->secret.reveal() == sent->secret.reveal(),
                    "store keeps the secret byte for byte");
    } else if (action == "get") {
        fuzz::check(!reply.empty() && reply.front() == '{', "get answers JSON");
    } else if (action == "erase") {
        fuzz::check(reply.empty(), "erase answers nothing on success");
    } else {
        fuzz::check(!reply.empty() && reply.front() == '{', "list answers a JSON object");
        fuzz::check(kept_is_intact(store), "list changes nothing");
    }
    if (action != "erase" && action != "store")
        fuzz::check(kept_is_intact(store), "a read changes nothing");
    return 0;
}
