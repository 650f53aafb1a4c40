// Repository names (the distribution reference grammar), IP addresses and
// networks, and the client address behind trusted proxies.
#include <catch2/catch.hpp>
#include <string>

#include "patd/domain/ip_address.hpp"
#include "patd/domain/repository_name.hpp"
#include "patd/http/client_address.hpp"

using namespace pat::patd;

TEST_CASE("repository names follow the registry's grammar", "[domain][repository]") {
    for (const char* ok : {"alice/app", "alice/a.b_c__d-e--f/x", "library/ubuntu", "a", "a/b/c/d",
                           "alice/0", "alice/x-y"})
        CHECK(is_valid_repository_name(ok));
    const std::string nul_name("alice/a\0b", 9);
    for (const std::string& bad :
         {std::string("alice/../bob/x"), std::string("alice//x"), std::string("alice/x:tag"),
          std::string("alice/x@sha256:00"), nul_name, std::string("alice/\xef\xbd\x81pp"),
          std::string("Alice/app"), std::string("alice/App"), std::string("/alice/x"),
          std::string("alice/x/"), std::string(""), std::string("alice/.x"),
          std::string("alice/x."), std::string("alice/x___y"), std::string("alice/-x"),
          std::string("alice/x y"), std::string("alice/./x"), std::string(256, 'a')})
        CHECK_FALSE(is_valid_repository_name(bad));
    CHECK(is_valid_repository_name(std::string(255, 'a')));
}

TEST_CASE("IP addresses and networks", "[domain][ip]") {
    CHECK(parse_ip("192.0.2.1")->to_string() == "192.0.2.1");
    CHECK(parse_ip("::ffff:192.0.2.1") == parse_ip("192.0.2.1"));
    CHECK(parse_ip("2001:DB8::1")->to_string() == "2001:db8::1");
    for (const char* bad : {"", "192.0.2", "192.0.2.1:80", "[::1]", "::1%lo", "example.com",
                            "192.0.2.256", "1.2.3.4 "})
        CHECK_FALSE(parse_ip(bad));
    const auto ten = parse_network("10.0.0.0/8");
    REQUIRE(ten);
    CHECK(ten->contains(*parse_ip("10.255.0.1")));
    CHECK_FALSE(ten->contains(*parse_ip("11.0.0.1")));
    CHECK(parse_network("127.0.0.1")->contains(*parse_ip("::ffff:127.0.0.1")));
    CHECK_FALSE(parse_network("127.0.0.1")->contains(*parse_ip("127.0.0.2")));
    CHECK(parse_network("fd00::/8")->contains(*parse_ip("fd12::1")));
    CHECK(parse_network("10.1.2.3/8")->contains(*parse_ip("10.9.9.9")));  // host bits ignored
    CHECK(parse_network("0.0.0.0/0")->contains(*parse_ip("203.0.113.5")));
    CHECK_FALSE(parse_network("0.0.0.0/0")->contains(*parse_ip("2001:db8::1")));
    for (const char* bad : {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "fd00::/129", "/8",
                            "10.0.0.0/-1", "10.0.0.0/8/8"})
        CHECK_FALSE(parse_network(bad));
}

TEST_CASE("failures are counted per IPv4 address and per IPv6 /64", "[domain][ip]") {
    CHECK(source_key("192.0.2.1") == "192.0.2.1");
    CHECK(source_key("::ffff:192.0.2.1") == "192.0.2.1");
    CHECK(source_key("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64");
    CHECK(source_key("2001:db8:1:2:bbbb::9") == source_key("2001:db8:1:2:aaaa::1"));
    CHECK(source_key("2001:db8:1:3::1") != source_key("2001:db8:1:2::1"));
    CHECK(source_key("unknown") == "unknown");
}

TEST_CASE("X-Forwarded-For is believed only from trusted proxies", "[http][client_address]") {
    using pat::http::client_address;
    const std::vector<IpNetwork> proxies = {*parse_network("10.0.0.0/8"),
                                            *parse_network("fd00::/8")};
    const std::vector<std::string_view> none;
    // Untrusted peer: the header is the client's own words.
    CHECK(client_address("192.0.2.7", {"203.0.113.1"}, proxies) == "192.0.2.7");
    CHECK(client_address("192.0.2.7", {"203.0.113.1"}, {}) == "192.0.2.7");
    // A trusted proxy: the address it appended (the rightmost entry).
    CHECK(client_address("10.0.0.2", {"203.0.113.1"}, proxies) == "203.0.113.1");
    CHECK(client_address("10.0.0.2", {"1.1.1.1, 203.0.113.1"}, proxies) == "203.0.113.1");
    // A chain of trusted proxies is walked right to left.
    CHECK(client_address("10.0.0.2", {"198.51.100.4, 10.0.0.9"}, proxies) == "198.51.100.4");
    CHECK(client_address("10.0.0.2", {"198.51.100.4", "10.0.0.9"}, proxies) == "198.51.100.4");
    // What a client wrote before the first untrusted hop is never used.
    CHECK(client_address("10.0.0.2", {"10.0.0.5, 198.51.100.4"}, proxies) == "198.51.100.4");
    // Ports and brackets as some proxies write them; IPv4-mapped peers.
    CHECK(client_address("10.0.0.2", {"203.0.113.1:4711"}, proxies) == "203.0.113.1");
    CHECK(client_address("fd00::1", {"[2001:db8::5]:443"}, proxies) == "2001:db8::5");
    CHECK(client_address("::ffff:10.0.0.2", {"203.0.113.1"}, proxies) == "203.0.113.1");
    // No header, or garbage from the proxy: the proxy itself.
    CHECK(client_address("10.0.0.2", none, proxies) == "10.0.0.2");
    CHECK(client_address("10.0.0.2", {"garbage"}, proxies) == "10.0.0.2");
    CHECK(client_address("10.0.0.2", {"10.0.0.3, garbage"}, proxies) == "10.0.0.2");
    CHECK(client_address("10.0.0.2", {""}, proxies) == "10.0.0.2");
}
