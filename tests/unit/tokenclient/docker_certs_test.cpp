#include "tokenclient/docker_certs.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace pat::tokenclient;
namespace fs = std::filesystem;

TEST_CASE("docker's certs.d adds CAs per host:port for https only", "[tokenclient]") {
    std::string templ = (fs::temp_directory_path() / "tokenclient-certs.XXXXXX").string();
    REQUIRE(::mkdtemp(templ.data()) != nullptr);
    const fs::path root = templ;
    fs::create_directories(root / "reg.example.com:5000");
    fs::create_directories(root / "reg.example.com");
    std::ofstream(root / "reg.example.com:5000" / "b.crt") << "B";
    std::ofstream(root / "reg.example.com:5000" / "a.crt") << "A\n";
    std::ofstream(root / "reg.example.com:5000" / "client.key") << "KEY";
    std::ofstream(root / "reg.example.com" / "ca.crt") << "DEFAULT\n";
    const std::string certs = root.string();

    CHECK(docker_extra_cas("https://reg.example.com:5000/v2/", certs) == "A\nB\n");
    CHECK(docker_extra_cas("https://reg.example.com/token", certs) == "DEFAULT\n");
    CHECK_FALSE(docker_extra_cas("http://reg.example.com:5000/v2/", certs).has_value());
    CHECK_FALSE(docker_extra_cas("https://other.example.com/v2/", certs).has_value());
    CHECK_FALSE(docker_extra_cas("https://../v2/", certs).has_value());
    CHECK_FALSE(docker_extra_cas("not a url", certs).has_value());

    std::ofstream(root / "system.pem") << "SYSTEM";
    CHECK(ca_bundle_with((root / "system.pem").string(), "EXTRA\n") == "SYSTEM\nEXTRA\n");
    CHECK(ca_bundle_with("", "EXTRA\n") == "EXTRA\n");
    CHECK(ca_bundle_with((root / "missing.pem").string(), "EXTRA\n") == "EXTRA\n");
    fs::remove_all(root);
}
