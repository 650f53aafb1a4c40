#include "tokenclient/curl_api.hpp"

#include <dlfcn.h>

#include <mutex>

namespace pat::tokenclient {
namespace {

constexpr const char* k_library = "libcurl.so.4";

struct Loaded {
    CurlApi api;
    std::string error;  // empty when `api` is usable
};

template <class Fn>
bool resolve(void* handle, const char* name, Fn& slot, std::string& error) {
    void* symbol = dlsym(handle, name);
    if (symbol == nullptr) {
        error = std::string("the loaded libcurl lacks ") + name;
        return false;
    }
    // POSIX guarantees that a data pointer from dlsym converts to a function
    // pointer; C++ only allows it through reinterpret_cast.
    slot = reinterpret_cast<Fn>(symbol);
    return true;
}

// Opens `library` and resolves every entry point (no global init yet).
Loaded open_library(const char* library) {
    Loaded loaded;
    void* handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        const char* why = dlerror();
        loaded.error = std::string("cannot load ") + library +
                       " (install the libcurl4 package): " + (why ? why : "unknown error");
        return loaded;
    }
    CurlApi& a = loaded.api;
    std::string& e = loaded.error;
    const bool ok = resolve(handle, "curl_global_init", a.global_init, e) &&
                    resolve(handle, "curl_easy_init", a.easy_init, e) &&
                    resolve(handle, "curl_easy_setopt", a.easy_setopt, e) &&
                    resolve(handle, "curl_easy_perform", a.easy_perform, e) &&
                    resolve(handle, "curl_easy_getinfo", a.easy_getinfo, e) &&
                    resolve(handle, "curl_easy_cleanup", a.easy_cleanup, e) &&
                    resolve(handle, "curl_easy_strerror", a.easy_strerror, e) &&
                    resolve(handle, "curl_slist_append", a.slist_append, e) &&
                    resolve(handle, "curl_slist_free_all", a.slist_free_all, e);
    (void)ok;  // on failure the handle stays open: harmless, once per process
    return loaded;
}

Loaded load() {
    Loaded loaded = open_library(k_library);
    if (!loaded.error.empty()) return loaded;
    CurlApi& a = loaded.api;
    const CURLcode rc = a.global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK) loaded.error = std::string("libcurl init failed: ") + a.easy_strerror(rc);
    return loaded;
}

}  // namespace

std::string curl_load_error(const char* library) {
    return open_library(library).error;
}

const CurlApi* curl_api(std::string& error) {
    // Deliberately leaked: libcurl stays loaded for the life of the process.
    static std::once_flag once;
    static Loaded* loaded = nullptr;
    std::call_once(once, [] { loaded = new Loaded(load()); });
    if (!loaded->error.empty()) {
        error = loaded->error;
        return nullptr;
    }
    return &loaded->api;
}

}  // namespace pat::tokenclient
