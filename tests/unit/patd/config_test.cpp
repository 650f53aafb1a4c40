#include "patd/config/config.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "patd/config/data_dir.hpp"

using namespace pat::patd::config;

namespace {

struct TempDir {
    TempDir() {
        char tmpl[] = "/tmp/patd-config-test.XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::string path;
};

unsigned mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 0777;
}

Config parse_args(const std::vector<std::string>& args, std::vector<std::string>& words) {
    Config config;
    auto options = common_options(config);
    options.add(serve_options(config));
    auto parsed = parse(args, options, config, words);
    REQUIRE(parsed.ok());
    return config;
}

}  // namespace

TEST_CASE("listen addresses parse host and port, port 0 included", "[patd][config]") {
    auto a = parse_listen("127.0.0.1:5001");
    REQUIRE(a.ok());
    CHECK(a->host == "127.0.0.1");
    CHECK(a->port == 5001);
    CHECK(parse_listen("127.0.0.1:0")->port == 0);
    CHECK(parse_listen("[::1]:80")->host == "::1");
    CHECK(parse_listen("localhost:1")->host == "127.0.0.1");
    CHECK_FALSE(parse_listen("127.0.0.1").ok());
    CHECK_FALSE(parse_listen("127.0.0.1:70000").ok());
    CHECK_FALSE(parse_listen("127.0.0.1:x").ok());
}

TEST_CASE("flags, positional words and a config file where flags win", "[patd][config]") {
    TempDir dir;
    const std::string file = dir.path + "/patd.conf";
    std::ofstream(file) << "# comment\nlisten = 127.0.0.1:7000\nservice = from-file\n"
                           "public-namespace = library\ntoken-ttl = 600\n";
    std::vector<std::string> words;
    Config c = parse_args({"--config", file, "--service", "from-flag", "add", "alice",
                           "--public-namespace", "shared"},
                          words);
    CHECK(words == std::vector<std::string>{"add", "alice"});
    CHECK(c.service == "from-flag");
    CHECK(c.listen == "127.0.0.1:7000");
    CHECK(c.token_ttl == 600);
    CHECK(c.public_namespaces == std::vector<std::string>{"shared", "library"});
}

TEST_CASE("bad flags and ranges are refused with a message", "[patd][config]") {
    Config config;
    auto options = serve_options(config);
    std::vector<std::string> words;
    CHECK_FALSE(parse({"--no-such-flag"}, options, config, words).ok());
    CHECK_FALSE(parse({"--token-ttl", "abc"}, options, config, words).ok());
    Config low;
    low.token_ttl = 59;
    CHECK_FALSE(finalize(low).ok());
    Config half;
    half.signing_key = "/k.pem";
    CHECK_FALSE(finalize(half).ok());
    // The console's device sign-in settings.
    Config poll;
    poll.device_poll_interval = 0;
    auto bad_poll = finalize(poll);
    REQUIRE_FALSE(bad_poll.ok());
    CHECK(bad_poll.error() == "--device-poll-interval must be 1..60");
    Config ttl;
    ttl.device_code_ttl = 3601;
    auto bad_ttl = finalize(ttl);
    REQUIRE_FALSE(bad_ttl.ok());
    CHECK(bad_ttl.error() == "--device-code-ttl must be 1..3600");
}

TEST_CASE("defaults derive from the data dir", "[patd][config]") {
    Config c;
    c.data_dir = "/srv/patd/";
    REQUIRE(finalize(c).ok());
    CHECK(c.data_dir == "/srv/patd");
    CHECK(c.database == "sqlite:///srv/patd/patd.db");
    ::setenv("XDG_DATA_HOME", "/xdg", 1);
    CHECK(default_data_dir() == "/xdg/patd");
}

TEST_CASE("the data dir is 0700, key and pepper files 0600 and stable", "[patd][config]") {
    TempDir tmp;
    const std::string dir = tmp.path + "/a/b/patd";
    REQUIRE(ensure_private_dir(dir).ok());
    CHECK(mode_of(dir) == 0700);
    auto pepper = load_or_create_pepper(dir);
    REQUIRE(pepper.ok());
    CHECK(pepper->size() == 32);
    CHECK(mode_of(dir + "/pepper") == 0600);
    auto again = load_or_create_pepper(dir);
    REQUIRE(again.ok());
    CHECK(*again == *pepper);

    auto signing = load_or_create_signing(dir, "", "");
    REQUIRE(signing.ok());
    CHECK(signing->generated);
    CHECK(mode_of(signing->key_path) == 0600);
    CHECK(signing->material.cert_pem.find("BEGIN CERTIFICATE") != std::string::npos);
    auto reload = load_or_create_signing(dir, "", "");
    REQUIRE(reload.ok());
    CHECK_FALSE(reload->generated);
    CHECK(reload->material.cert_pem == signing->material.cert_pem);
    CHECK_FALSE(create_private_file(dir + "/pepper", "x").ok());
}
