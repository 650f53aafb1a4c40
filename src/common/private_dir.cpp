#include "common/private_dir.hpp"

#include <unistd.h>

#include <cstdio>

namespace pat {

std::optional<std::string> unsafe_dir_reason(std::string_view what, const std::string& path,
                                             const struct stat& st) {
    const std::string name = std::string(what) + " " + path;
    if (S_ISLNK(st.st_mode)) return name + " is a symbolic link";
    if (!S_ISDIR(st.st_mode)) return name + " is not a directory";
    if (st.st_uid != ::geteuid()) {
        return name + " belongs to uid " + std::to_string(st.st_uid) + ", not to uid " +
               std::to_string(::geteuid());
    }
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        return name + " is writable by group or others (mode " + mode + "; chmod 700 it)";
    }
    return std::nullopt;
}

}  // namespace pat
