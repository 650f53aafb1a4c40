#pragma once
// libcurl, loaded with dlopen("libcurl.so.4") on first use: `get` never
// talks to a token service, so it must not pay for loading libcurl and its
// ~30 dependencies at every start. <curl/curl.h> is used for types and
// constants only; every function is called through this table.

// The type-checking macros of curl.h would wrap curl_easy_setopt, which is
// only a pointer here.
#ifndef CURL_DISABLE_TYPECHECK
#define CURL_DISABLE_TYPECHECK
#endif
#include <curl/curl.h>

#include <string>

namespace pat::tokenclient {

struct CurlApi {
    decltype(&curl_global_init) global_init = nullptr;
    decltype(&curl_easy_init) easy_init = nullptr;
    decltype(&curl_easy_setopt) easy_setopt = nullptr;
    decltype(&curl_easy_perform) easy_perform = nullptr;
    decltype(&curl_easy_getinfo) easy_getinfo = nullptr;
    decltype(&curl_easy_cleanup) easy_cleanup = nullptr;
    decltype(&curl_easy_strerror) easy_strerror = nullptr;
    decltype(&curl_slist_append) slist_append = nullptr;
    decltype(&curl_slist_free_all) slist_free_all = nullptr;
};

// The loaded table (with curl_global_init done), or nullptr with `error`
// set to why libcurl could not be loaded. Loads at most once per process;
// thread-safe. The library stays loaded until exit.
const CurlApi* curl_api(std::string& error);

// Tries to load `library` as curl_api does, without the global init (the
// handle is not closed: closing libcurl is not safe): "" when it would work, else the message
// curl_api would give. For tests (a missing library), and for `doctor`.
std::string curl_load_error(const char* library);

}  // namespace pat::tokenclient
