#include "credentials/json_codec.hpp"

#include <catch2/catch.hpp>

using namespace pat::cred;
using namespace std::string_literals;

namespace {

Credentials decode_ok(std::string_view text) {
    auto result = decode_credentials(text);
    INFO(text);
    REQUIRE(result.ok());
    return std::move(result).value();
}

std::string decode_error(std::string_view text) {
    auto result = decode_credentials(text);
    INFO(text);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().code == Errc::bad_input);
    return result.error().message;
}

}  // namespace

TEST_CASE("store JSON: the docker CLI's payload decodes", "[json]") {
    auto c = decode_ok(R"({"ServerURL":"h:5000","Username":"alice","Secret":"pw"})"
                       "\n");
    CHECK(c.server_url == "h:5000");
    CHECK(c.username == "alice");
    CHECK(c.secret.reveal() == "pw");
}

TEST_CASE("store JSON: keys match case-insensitively like Go, exact match first", "[json]") {
    auto c = decode_ok(R"({"serverurl":"a","USERNAME":"b","sEcReT":"c"})");
    CHECK(c.server_url == "a");
    CHECK(c.username == "b");
    CHECK(c.secret.reveal() == "c");
    // Go folds U+017F (long s) to s and U+212A (Kelvin) to k.
    CHECK(decode_ok("{\"\xC5\xBF"
                    "ecret\":\"x\"}")
              .secret.reveal() == "x");
    // Later duplicates overwrite earlier ones, whatever their casing.
    CHECK(decode_ok(R"({"ServerURL":"a","serverurl":"b"})").server_url == "b");
}

TEST_CASE("store JSON: unknown keys are ignored, null leaves a field empty", "[json]") {
    auto c = decode_ok(
        R"({"Email":"x","ServerURL":"a","Extra":{"n":[1,{"Username":"no"}]},"Username":null,"Secret":null})");
    CHECK(c.server_url == "a");
    CHECK(c.username.empty());
    CHECK(c.secret.empty());
    // As in Go, null does not clear an earlier value.
    CHECK(decode_ok(R"({"Username":"u","Username":null})").username == "u");
    CHECK(decode_ok("null").server_url.empty());
}

TEST_CASE("store JSON: only the first JSON value is used", "[json]") {
    auto c =
        decode_ok(R"({"ServerURL":"first","Username":"u"}{"ServerURL":"second"} trailing garbage)");
    CHECK(c.server_url == "first");
    CHECK(decode_ok(R"({"ServerURL":"a"}  not json at all)").server_url == "a");
}

TEST_CASE("store JSON: every escape, Go HTML escapes and surrogate pairs", "[json]") {
    auto c = decode_ok(
        R"({"Username":"\u003ctoken\u003e","Secret":"a\"b\\c\/d\b\f\n\r\t\u0026\ud83d\ude00\u00e9"})");
    CHECK(c.username == "<token>");
    CHECK(c.secret.reveal() == "a\"b\\c/d\b\f\n\r\t&\xF0\x9F\x98\x80\xC3\xA9");
}

TEST_CASE("store JSON: NUL bytes in strings are kept (length-explicit)", "[json]") {
    auto c = decode_ok(R"({"Secret":"p\u00e4\u0000ss\u0000"})");
    CHECK(c.secret.reveal() == "p\xC3\xA4\0ss\0"s);
    CHECK(c.secret.size() == 7);
}

TEST_CASE("store JSON: invalid UTF-8 becomes U+FFFD per byte, as Go does", "[json]") {
    auto c = decode_ok("{\"Secret\":\"a\xFF\xC3(b\xED\xA0\x80\"}");
    CHECK(c.secret.reveal() == "a\xEF\xBF\xBD\xEF\xBF\xBD(b\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("store JSON: wrong types give Go's error text", "[json]") {
    CHECK(decode_error(R"({"ServerURL":"a","Username":5,"Secret":"s"})") ==
          "json: cannot unmarshal number into Go struct field Credentials.Username of type string");
    CHECK(decode_error(R"({"ServerURL":true})") ==
          "json: cannot unmarshal bool into Go struct field Credentials.ServerURL of type string");
    CHECK(decode_error(R"({"Secret":{"a":1}})") ==
          "json: cannot unmarshal object into Go struct field Credentials.Secret of type string");
    CHECK(decode_error(R"({"secret":[1]})") ==
          "json: cannot unmarshal array into Go struct field Credentials.Secret of type string");
    // The first type error is the one reported.
    CHECK(decode_error(R"({"Username":1.5,"Secret":false})") ==
          "json: cannot unmarshal number into Go struct field Credentials.Username of type string");
    CHECK(decode_error(R"(["a"])") ==
          "json: cannot unmarshal array into Go value of type credentials.Credentials");
    CHECK(decode_error(R"("h:5000")") ==
          "json: cannot unmarshal string into Go value of type credentials.Credentials");
    CHECK(decode_error("42") ==
          "json: cannot unmarshal number into Go value of type credentials.Credentials");
}

TEST_CASE("store JSON: empty input and syntax errors are one clear line", "[json]") {
    const std::string empty =
        "no credentials on stdin: expected a JSON object with ServerURL, Username and Secret";
    CHECK(decode_error("") == empty);
    CHECK(decode_error(" \r\n\t") == empty);
    CHECK(decode_error("get me in") ==
          "invalid JSON payload: syntax error while parsing value - invalid literal (at byte 1)");
    CHECK(decode_error(R"({"ServerURL":"a",)") ==
          "invalid JSON payload: syntax error while parsing object key - unexpected end of "
          "input; expected string literal (at byte 18)");
    CHECK(decode_error(R"({"Secret":"unterminated)") ==
          "invalid JSON payload: syntax error while parsing value - invalid string: missing "
          "closing quote (at byte 24)");
}

TEST_CASE("store JSON: syntax errors never quote the payload", "[json]") {
    for (const char* bad :
         {R"({"Secret":"hunter2-secret)", R"({"Secret":"hunter2-secret\x"})",
          "{\"Secret\":\"hunter2-secret\x01\"}", R"({"Secret":hunter2-secret})"}) {
        const std::string message = decode_error(bad);
        CHECK(message.find("hunter2") == std::string::npos);
        CHECK(message.find('\n') == std::string::npos);
    }
}

TEST_CASE("output JSON: exact casing, Go escaping, trailing newline", "[json]") {
    CHECK(
        encode_credentials("h:5000", "<token>",
                           pat::Secret::copy_of("a&b\"\\\n\x01\xE2\x80\xA8")) ==
        R"({"ServerURL":"h:5000","Username":"\u003ctoken\u003e","Secret":"a\u0026b\"\\\n\u0001\u2028"})"
        "\n");
    CHECK(encode_credentials("k", "u", pat::Secret::copy_of("x\0y\xFFz"s)) ==
          R"({"ServerURL":"k","Username":"u","Secret":"x\u0000y\ufffdz"})"
          "\n");
    CHECK(encode_list({}) == "{}\n");
    CHECK(encode_list({{"b", "u2"}, {"a", "<token>"}}) == R"({"a":"\u003ctoken\u003e","b":"u2"})"
                                                          "\n");
}

TEST_CASE("JSON: any UTF-8 and binary secrets round-trip byte-exact", "[json]") {
    std::string all_bytes;
    for (int i = 0; i < 256; ++i) all_bytes.push_back(static_cast<char>(i));
    const std::string valid =
        coerce_utf8(all_bytes) + "\xF0\x9F\x94\x91 \xE4\xB8\xAD \0 end"s + std::string(200000, 'j');
    std::string line = encode_credentials("k", "u", pat::Secret::copy_of(valid));
    auto back = decode_ok(line);
    CHECK(back.secret.reveal() == valid);
    CHECK(back.server_url == "k");
}
