#include "credentials/server_url.hpp"

#include <catch2/catch.hpp>

using namespace pat::cred;
using Keys = std::vector<std::string>;

TEST_CASE("server URL: get/erase input is trimmed of whitespace incl. CR/LF", "[url]") {
    CHECK(trim_server_url("  https://h:5000/ \r\n") == "https://h:5000/");
    CHECK(trim_server_url("h:5000") == "h:5000");
    CHECK(trim_server_url("\t\v\f h \n") == "h");
    CHECK(trim_server_url(" \r\n").empty());
    CHECK(trim_server_url("").empty());
    CHECK(trim_server_url("a b") == "a b");
}

TEST_CASE("server URL: aliases of a bare host[:port]", "[url]") {
    CHECK(fallback_keys("h:5000") == Keys{"https://h:5000", "http://h:5000"});
    CHECK(fallback_keys("registry.example.com") ==
          Keys{"https://registry.example.com", "http://registry.example.com"});
}

TEST_CASE("server URL: aliases of scheme forms never cross http/https", "[url]") {
    CHECK(fallback_keys("https://h:5000") == Keys{"h:5000", "https://h:5000/"});
    CHECK(fallback_keys("https://h:5000/") == Keys{"h:5000", "https://h:5000"});
    CHECK(fallback_keys("http://h") == Keys{"h", "http://h/"});
}

TEST_CASE("server URL: Docker Hub forms are aliases of the CLI's key", "[url]") {
    const Keys hub{"https://index.docker.io/v1/", "docker.io", "index.docker.io"};
    CHECK(fallback_keys("docker.io") == Keys{"https://index.docker.io/v1/", "index.docker.io"});
    CHECK(fallback_keys("index.docker.io") == Keys{"https://index.docker.io/v1/", "docker.io"});
    CHECK(fallback_keys("https://index.docker.io/v1/") == Keys{"docker.io", "index.docker.io"});
    CHECK(fallback_keys("https://index.docker.io/v1") == hub);
    CHECK(fallback_keys("https://docker.io") == hub);
    CHECK(fallback_keys("https://index.docker.io/") == hub);
    CHECK(fallback_keys("DOCKER.IO") == hub);
}

TEST_CASE("server URL: strict keys have no aliases", "[url]") {
    for (const char* key :
         {"https://index.docker.io/v1/access-token", "https://index.docker.io/v1/refresh-token",
          "h:5000/team", "https://h:5000/v2/", "https://h?x=1", "https://user@h", "ftp://h",
          "registry-1.docker.io/x", "http://docker.io/v1/", "https://h#frag", "//h", "https://",
          "a b"}) {
        INFO(key);
        CHECK(fallback_keys(key).empty());
    }
    // registry-1.docker.io is a different key for the docker CLI.
    CHECK(fallback_keys("registry-1.docker.io") ==
          Keys{"https://registry-1.docker.io", "http://registry-1.docker.io"});
}
