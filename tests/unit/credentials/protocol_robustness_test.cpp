// Deterministic robustness test: mutated and random payloads through the
// whole `store` path. Whatever the input, the helper answers with exactly one
// line (or nothing on success), never crashes, and never echoes a piece of
// the payload in an error (docker prints helper output in its own errors).
#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <sstream>

#include "credentials/memory_store.hpp"
#include "credentials/protocol.hpp"

using namespace pat::cred;

namespace {

const std::string k_valid =
    R"({"ServerURL":"https://h:5000/","Username":"\u003ctoken\u003e","Secret":"SECRETMARK\u0000\ud83d\ude00"})";

std::string mutate(std::string text, std::mt19937& rng) {
    static constexpr std::string_view k_bytes =
        "{}[]\":,\\u0123456789abcdefnulltrue \n\x00\xff\xc3";
    std::uniform_int_distribution<int> op(0, 3);
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < edits && !text.empty(); ++i) {
        const std::size_t at = rng() % text.size();
        const char byte = k_bytes[rng() % k_bytes.size()];
        switch (op(rng)) {
            case 0:
                text.erase(at, 1);
                break;
            case 1:
                text.insert(at, 1, byte);
                break;
            case 2:
                text[at] = byte;
                break;
            default:
                text.resize(at);
                break;
        }
    }
    return text;
}

}  // namespace

TEST_CASE("robustness: mutated store payloads give one clean line or success", "[protocol][fuzz]") {
    std::mt19937 rng(20261129);
    int errors = 0;
    for (int i = 0; i < 20000; ++i) {
        const std::string input = mutate(k_valid, rng);
        MemoryStore store;
        std::istringstream in(input);
        std::ostringstream out;
        const int rc = run_action(store, "store", in, out);
        const std::string reply = out.str();
        INFO(input);
        if (rc == 0) {
            CHECK(reply.empty());
            continue;
        }
        ++errors;
        REQUIRE(rc == 1);
        REQUIRE(!reply.empty());
        CHECK(std::count(reply.begin(), reply.end(), '\n') == 1);
        CHECK(reply.back() == '\n');
        CHECK(reply.find("SECRET") == std::string::npos);
        CHECK(reply.find("MARK") == std::string::npos);
        auto listed = store.list();
        REQUIRE(listed.ok());
        CHECK(listed->empty());  // a failed store stores nothing
    }
    CHECK(errors > 1000);  // the mutations really exercise the error paths
}

TEST_CASE("robustness: random bytes on every action", "[protocol][fuzz]") {
    std::mt19937 rng(7);
    MemoryStore store;
    for (int i = 0; i < 3000; ++i) {
        std::string input(rng() % 64, '\0');
        for (char& c : input) c = static_cast<char>(rng() % 256);
        for (std::string_view action : {"store", "get", "erase"}) {
            std::istringstream in(input);
            std::ostringstream out;
            const int rc = run_action(store, action, in, out);
            const std::string reply = out.str();
            CHECK((rc == 0 || rc == 1));
            if (rc == 1) CHECK(std::count(reply.begin(), reply.end(), '\n') == 1);
        }
    }
}
