// errno -> helper error for the kernel keyring (one mapping, tested in
// tests/unit/platform/kernel_keyring_test.cpp). Status codes are mapped,
// never message text.
#include "linux/kernel_keyring_errors.hpp"

#include <keyutils.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

namespace pat::platform {
namespace {

std::string read_sysctl(const char* name) {
    std::ifstream file(std::string("/proc/sys/kernel/keys/") + name);
    std::string value;
    if (!(file >> value)) return "?";
    return value;
}

}  // namespace

cred::Error keyring_error(int err, std::string_view doing) {
    using cred::Errc;
    const std::string while_doing = " while " + std::string(doing);
    switch (err) {
        case EDQUOT: {
            const bool root = ::geteuid() == 0;
            const char* bytes = root ? "root_maxbytes" : "maxbytes";
            const char* keys = root ? "root_maxkeys" : "maxkeys";
            return {Errc::quota_exceeded, "kernel keyring quota exceeded" + while_doing + ": uid " +
                                              std::to_string(::geteuid()) + " may keep at most " +
                                              read_sysctl(bytes) + " bytes in " +
                                              read_sysctl(keys) + " keys (sysctl kernel.keys." +
                                              bytes + " and kernel.keys." + keys +
                                              "); erase unused credentials or raise the limits"};
        }
        case EACCES:
        case EPERM:
            return {Errc::backend,
                    "permission denied by the kernel keyring" + while_doing +
                        " (in a container, seccomp may block keyctl; set "
                        "DOCKER_CREDENTIAL_PAT_STORE=secretservice or allow keyctl)"};
        case ENOSYS:
        case EOPNOTSUPP:
            return {Errc::backend, "the kernel keyring is not available" + while_doing +
                                       " (keyctl is not supported or blocked by seccomp; set "
                                       "DOCKER_CREDENTIAL_PAT_STORE=secretservice)"};
        case ENOMEM:
            return {Errc::backend, "the kernel is out of memory for keys" + while_doing};
        case EKEYEXPIRED:
        case EKEYREVOKED:
            return {Errc::backend, "a kernel keyring key expired or was revoked" + while_doing};
        default:
            return {Errc::backend,
                    "kernel keyring error" + while_doing + ": " + std::strerror(err)};
    }
}

}  // namespace pat::platform
