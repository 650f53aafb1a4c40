#include "common/process.hpp"

#include <sys/prctl.h>
#include <sys/resource.h>

namespace pat {

void harden_process() noexcept {
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    struct rlimit no_core {};
    ::setrlimit(RLIMIT_CORE, &no_core);
}

}  // namespace pat
