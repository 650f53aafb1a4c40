#include "credentials/protocol.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>

#include "common/version.hpp"
#include "credentials/memory_store.hpp"

using namespace pat::cred;
using namespace std::string_literals;

namespace {

struct Reply {
    int rc;
    std::string out;
};

Reply run(CredentialStore& store, std::string_view action, const std::string& input = {}) {
    std::istringstream in(input);
    std::ostringstream out;
    const int rc = run_action(store, action, in, out);
    return {rc, out.str()};
}

// An istream that fails the test if anything reads from it.
class NoReadBuf : public std::streambuf {
  protected:
    int_type underflow() override {
        FAIL("list must not read stdin");
        return traits_type::eof();
    }
};

}  // namespace

TEST_CASE("protocol: store then get returns the credential with exact casing", "[protocol]") {
    MemoryStore store;
    CHECK(run(store, "store",
              R"({"ServerURL":"h:5000","Username":"alice","Secret":"pw"})"
              "\n")
              .rc == 0);
    auto r = run(store, "get", "h:5000");
    CHECK(r.rc == 0);
    CHECK(r.out == R"({"ServerURL":"h:5000","Username":"alice","Secret":"pw"})"
                   "\n");
}

TEST_CASE("protocol: store writes nothing on success", "[protocol]") {
    MemoryStore store;
    auto r = run(store, "store", R"({"ServerURL":"h","Username":"u","Secret":"s"})");
    CHECK(r.rc == 0);
    CHECK(r.out.empty());
}

TEST_CASE("protocol: validation order and canonical texts", "[protocol]") {
    MemoryStore store;
    CHECK(run(store, "store", R"({"Username":"","Secret":"s"})").out ==
          "no credentials server URL\n");
    CHECK(run(store, "store", R"({"ServerURL":"h","Secret":"s"})").out ==
          "no credentials username\n");
    CHECK(run(store, "store", R"({"ServerURL":"h","Username":"u","Secret":"s"})").rc == 0);
    CHECK(run(store, "get", "nothere").out == "credentials not found in native keychain\n");
    CHECK(run(store, "get", "nothere").rc == 1);
    CHECK(run(store, "get", " \r\n").out == "no credentials server URL\n");
    CHECK(run(store, "erase", "").out == "no credentials server URL\n");
    CHECK(run(store, "erase", "").rc == 1);
}

TEST_CASE("protocol: an empty Secret is accepted and stored", "[protocol]") {
    MemoryStore store;
    CHECK(run(store, "store", R"({"ServerURL":"h","Username":"u","Secret":""})").rc == 0);
    CHECK(run(store, "get", "h").out == R"({"ServerURL":"h","Username":"u","Secret":""})"
                                        "\n");
}

TEST_CASE("protocol: get trims the input and repeats it, not the stored key", "[protocol]") {
    MemoryStore store;
    REQUIRE(run(store, "store", R"({"ServerURL":"h:5000","Username":"u","Secret":"s"})").rc == 0);
    CHECK(run(store, "get", " h:5000\r\n").out ==
          R"({"ServerURL":"h:5000","Username":"u","Secret":"s"})"
          "\n");
    // Tolerant fallback: an alias finds the stored key, the reply repeats the input.
    CHECK(run(store, "get", "https://h:5000").out ==
          R"({"ServerURL":"https://h:5000","Username":"u","Secret":"s"})"
          "\n");
    CHECK(run(store, "get", "https://h:5000/v2/").rc == 1);
}

TEST_CASE("protocol: a docker.io query finds the Hub key", "[protocol]") {
    MemoryStore store;
    REQUIRE(run(store, "store",
                R"({"ServerURL":"https://index.docker.io/v1/","Username":"u","Secret":"s"})")
                .rc == 0);
    CHECK(run(store, "get", "docker.io").rc == 0);
    CHECK(run(store, "get", "https://index.docker.io/v1/access-token").out ==
          "credentials not found in native keychain\n");
}

TEST_CASE("protocol: exact key wins over aliases", "[protocol]") {
    MemoryStore store;
    REQUIRE(run(store, "store", R"({"ServerURL":"h","Username":"bare","Secret":"1"})").rc == 0);
    REQUIRE(run(store, "store", R"({"ServerURL":"https://h","Username":"tls","Secret":"2"})").rc ==
            0);
    CHECK(run(store, "get", "https://h").out ==
          R"({"ServerURL":"https://h","Username":"tls","Secret":"2"})"
          "\n");
    CHECK(run(store, "get", "h").out == R"({"ServerURL":"h","Username":"bare","Secret":"1"})"
                                        "\n");
}

TEST_CASE("protocol: erase is exact and says when nothing matched", "[protocol]") {
    MemoryStore store;
    REQUIRE(run(store, "store", R"({"ServerURL":"h","Username":"u","Secret":"s"})").rc == 0);
    // Upstream's osxkeychain and pass answer a miss with an error, exit 1.
    const Reply alias = run(store, "erase", "https://h");
    CHECK(alias.rc == 1);
    CHECK(alias.out == "credentials not found in native keychain\n");
    CHECK(run(store, "get", "h").rc == 0);
    CHECK(run(store, "erase", " h\n").rc == 0);
    CHECK(run(store, "get", "h").rc == 1);
    const Reply again = run(store, "erase", "h");
    CHECK(again.rc == 1);
    CHECK(again.out == "credentials not found in native keychain\n");
}

namespace {

// Every key rule refusal leaves the store as it was.
void check_refused(const std::string& action, const std::string& input, const std::string& line) {
    MemoryStore store;
    REQUIRE(run(store, "store", R"({"ServerURL":"keep.example","Username":"u","Secret":"s"})").rc ==
            0);
    INFO(action << " " << input);
    const Reply reply = run(store, action, input);
    CHECK(reply.rc == 1);
    CHECK(reply.out == line + "\n");
    CHECK(run(store, "list").out == R"({"keep.example":"u"})"
                                    "\n");
}

}  // namespace

TEST_CASE("protocol: keys and usernames that are not clean UTF-8 text are refused",
          "[protocol][inputs]") {
    const std::string bad_utf8 = "invalid server URL: not valid UTF-8";
    for (const char* action : {"get", "erase"}) {
        check_refused(action, "bad\xff\xfe.example", bad_utf8);
        check_refused(action, "bad\xc0\xaf.example", bad_utf8);      // overlong '/'
        check_refused(action, "bad\xed\xa0\x80.example", bad_utf8);  // surrogate
        check_refused(action, "keep.example\xff", bad_utf8);
        check_refused(action, "reg\x1b[31m.example",
                      "invalid server URL: it contains a control character (\\u001b)");
        check_refused(action, "reg\n.example",
                      "invalid server URL: it contains a control character (\\u000a)");
        check_refused(action, "reg\x7f.example",
                      "invalid server URL: it contains a control character (\\u007f)");
        check_refused(action, "reg\xc2\x9b.example",
                      "invalid server URL: it contains a control character (\\u009b)");
        check_refused(action, "reg\0.example"s,
                      "invalid server URL: it contains a NUL character (\\u0000)");
    }
    check_refused("store",
                  "{\"ServerURL\":\"bad\xff\xfe.example\",\"Username\":\"u\",\"Secret\":\"s\"}",
                  bad_utf8);
    check_refused("store", R"({"ServerURL":"keep.example","Username":"u\u001b]0;x","Secret":"s"})",
                  "invalid username: it contains a control character (\\u001b)");
    check_refused("store",
                  "{\"ServerURL\":\"keep.example\",\"Username\":\"\xff\",\"Secret\":\"s\"}",
                  "invalid username: not valid UTF-8");
    check_refused("store", R"({"ServerURL":"keep.example\t","Username":"u","Secret":"s"})",
                  "invalid server URL: it contains a control character (\\u0009)");
    check_refused("store", R"({"ServerURL":"keep.example","Username":"u\u0085","Secret":"s"})",
                  "invalid username: it contains a control character (\\u0085)");
}

TEST_CASE("protocol: clean UTF-8 keys, and escapes of U+FFFD, are accepted", "[protocol][inputs]") {
    MemoryStore store;
    CHECK(
        run(store, "store", R"({"ServerURL":"ünï.example","Username":"\ufffd","Secret":"s"})").rc ==
        0);
    CHECK(run(store, "store",
              "{\"ServerURL\":\"s.example\",\"Username\":\"u\",\"Secret\":\"a\xff"
              "b\"}")
              .rc == 0);
    CHECK(run(store, "get", "ünï.example").rc == 0);
    CHECK(run(store, "erase", "ünï.example").rc == 0);
}

TEST_CASE("protocol: list never reads stdin and prints stored keys", "[protocol]") {
    MemoryStore store;
    NoReadBuf buf;
    std::istream in(&buf);
    std::ostringstream out;
    CHECK(run_action(store, "list", in, out) == 0);
    CHECK(out.str() == "{}\n");
    REQUIRE(
        run(store, "store",
            R"({"ServerURL":"https://index.docker.io/v1/","Username":"\u003ctoken\u003e","Secret":"t"})")
            .rc == 0);
    REQUIRE(run(store, "store", R"({"ServerURL":"h:5000","Username":"bob","Secret":"s"})").rc == 0);
    CHECK(run(store, "list", "unused").out ==
          R"({"h:5000":"bob","https://index.docker.io/v1/":"\u003ctoken\u003e"})"
          "\n");
}

TEST_CASE("protocol: stdin is capped at 1 MiB + 64 KiB; a 1 MiB secret fits", "[protocol]") {
    MemoryStore store;
    const std::string secret(std::size_t{1024} * 1024, 's');
    const std::string fits = R"({"ServerURL":"h","Username":"u","Secret":")" + secret + "\"}";
    CHECK(run(store, "store", fits).rc == 0);
    CHECK(run(store, "get", "h").out.size() == secret.size() + 45);

    const std::string exact(k_max_stdin_bytes, ' ');
    CHECK(run(store, "store", exact).out ==
          "no credentials on stdin: expected a JSON object with ServerURL, Username and Secret\n");
    const std::string big = R"({"ServerURL":"big","Username":"u","Secret":")" +
                            std::string(std::size_t{2} * 1024 * 1024, 'x') + "\"}";
    auto r = run(store, "store", big);
    CHECK(r.rc == 1);
    CHECK(r.out == "payload too large: the helper reads at most 1114112 bytes from stdin\n");
    CHECK(run(store, "get", "big").rc == 1);
    CHECK(run(store, "get", std::string(k_max_stdin_bytes + 1, 'h')).rc == 1);
}

TEST_CASE("protocol: NUL in ServerURL or Username is refused, in Secret kept", "[protocol]") {
    MemoryStore store;
    CHECK(run(store, "store", R"({"ServerURL":"h\u0000x","Username":"u","Secret":"s"})").out ==
          "invalid server URL: it contains a NUL character (\\u0000)\n");
    CHECK(run(store, "store", R"({"ServerURL":"h","Username":"u\u0000","Secret":"s"})").out ==
          "invalid username: it contains a NUL character (\\u0000)\n");
    CHECK(run(store, "list").out == "{}\n");
    CHECK(run(store, "store", R"({"ServerURL":"h","Username":"u","Secret":"a\u0000b"})").rc == 0);
    CHECK(run(store, "get", "h").out == R"({"ServerURL":"h","Username":"u","Secret":"a\u0000b"})"
                                        "\n");
}

TEST_CASE("protocol: a failed store keeps the old credential and reports one line", "[protocol]") {
    MemoryStore store;
    REQUIRE(run(store, "store", R"({"ServerURL":"h","Username":"old","Secret":"1"})").rc == 0);
    store.fail_next_add(Error{Errc::backend, "the keychain said\nno"});
    auto r = run(store, "store", R"({"ServerURL":"h","Username":"new","Secret":"2"})");
    CHECK(r.rc == 1);
    CHECK(r.out == "the keychain said no\n");
    CHECK(run(store, "get", "h").out == R"({"ServerURL":"h","Username":"old","Secret":"1"})"
                                        "\n");
}

TEST_CASE("protocol: bad payloads leave the store untouched", "[protocol]") {
    MemoryStore store;
    REQUIRE(run(store, "store", R"({"ServerURL":"h","Username":"u","Secret":"s"})").rc == 0);
    for (const char* bad :
         {"", "nope", R"({"ServerURL":"h","Username":5})", R"({"ServerURL":"h")",
          R"({"ServerURL":"","Username":"x"})", R"({"ServerURL":"h","Username":""})"}) {
        INFO(bad);
        auto r = run(store, "store", bad);
        CHECK(r.rc == 1);
        CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
        CHECK(r.out.back() == '\n');
    }
    CHECK(run(store, "list").out == R"({"h":"u"})"
                                    "\n");
    CHECK(run(store, "get", "h").out == R"({"ServerURL":"h","Username":"u","Secret":"s"})"
                                        "\n");
}

TEST_CASE("protocol: version and unknown actions", "[protocol]") {
    MemoryStore store;
    CHECK(run(store, "version").out ==
          "docker-credential-pat (github.com/docker-credential-pat/docker-credential-pat) " +
              std::string(pat::k_version) + "\n");
    auto r = run(store, "foo");
    CHECK(r.rc == 1);
    CHECK(r.out == "docker-credential-pat: unknown action: foo\n");
}
