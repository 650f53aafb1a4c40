// What the database file holds: digests, never a token; a sealed TOTP
// secret, never the secret; and the schema version.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "patd/crypto/totp.hpp"
#include "patd/store/sqlite/migrations.hpp"
#include "service_fixture.hpp"

using namespace patd_test;

namespace {
std::string slurp_dir(const std::string& dir) {
    std::string all;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        std::ifstream in(entry.path(), std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        all += s.str();
    }
    return all;
}
std::string make_temp_dir() {
    std::string dir = (std::filesystem::temp_directory_path() / "patd-rest-XXXXXX").string();
    REQUIRE(mkdtemp(dir.data()) != nullptr);
    return dir;
}
}  // namespace

TEST_CASE("the database file holds no token, password or TOTP secret", "[service][at_rest]") {
    const std::string dir = make_temp_dir();
    std::string token, password = "a-distinctive-password", totp_b32, totp_raw;
    {
        auto repo = open_repository("sqlite://" + dir + "/patd.db");
        REQUIRE(repo.ok());
        TokenService service(std::move(*repo), pat::Secret::copy_of(std::string(32, 'k')),
                             test_options());
        REQUIRE(service.create_account("alice", pat::Secret::copy_of(password)).ok());
        auto session = service.login("alice", pat::Secret::copy_of(password), {});
        const Principal owner = *service.authenticate_session(session->reveal());
        auto created = service.create_token(owner, {"t", {"repo:read"}, {}}, {});
        token = std::string(created->token.reveal());
        auto uri = service.enable_2fa("alice");
        const std::string_view u = uri->reveal();
        const auto at = u.find("secret=") + 7;
        totp_b32 = std::string(u.substr(at, u.find('&', at) - at));
        REQUIRE(base32_decode(totp_b32, totp_raw));
        service.flush();
    }
    const std::string bytes = slurp_dir(dir);         // database, WAL and shared-memory files
    CHECK(bytes.find("alice") != std::string::npos);  // the scan does see the data
    CHECK(bytes.find(token) == std::string::npos);
    CHECK(bytes.find(token.substr(9, 20)) == std::string::npos);
    CHECK(bytes.find(password) == std::string::npos);
    CHECK(bytes.find(totp_b32) == std::string::npos);
    CHECK(bytes.find(totp_raw) == std::string::npos);
    std::filesystem::remove_all(dir);
}

TEST_CASE("migrations record the schema version and refuse a newer database",
          "[store][migrations]") {
    const std::string dir = make_temp_dir();
    const std::string path = dir + "/patd.db";
    {
        pat::patd::sqlite::Connection c(path, false);
        CHECK(pat::patd::sqlite::schema_version(c) == 0);
        pat::patd::sqlite::migrate(c);
        CHECK(pat::patd::sqlite::schema_version(c) == pat::patd::sqlite::latest_schema_version());
        pat::patd::sqlite::migrate(c);  // idempotent
        CHECK(pat::patd::sqlite::schema_version(c) == pat::patd::sqlite::latest_schema_version());
        c.exec("UPDATE schema_version SET version = 999");
    }
    auto newer = open_repository("sqlite://" + path);
    REQUIRE_FALSE(newer.ok());
    CHECK(newer.error().message.find("newer than this patd") != std::string::npos);
    std::filesystem::remove_all(dir);
}
