#include "credentials/errors.hpp"

namespace pat::cred {

Error not_found() {
    return {Errc::not_found, std::string(k_not_found_message)};
}
Error missing_server_url() {
    return {Errc::missing_server_url, std::string(k_missing_server_url_message)};
}
Error missing_username() {
    return {Errc::missing_username, std::string(k_missing_username_message)};
}

}  // namespace pat::cred
