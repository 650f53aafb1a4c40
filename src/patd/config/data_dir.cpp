#include "patd/config/data_dir.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace pat::patd::config {
namespace {

std::string errno_text() {
    return std::strerror(errno);
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

Result<void, std::string> ensure_private_dir(const std::string& dir) {
    if (dir.empty()) return fail(std::string("empty data directory"));
    for (std::size_t pos = 1; pos != std::string::npos;) {
        pos = dir.find('/', pos + 1);
        const std::string part = dir.substr(0, pos);
        const bool last = pos == std::string::npos;
        if (::mkdir(part.c_str(), last ? 0700 : 0755) != 0 && errno != EEXIST)
            return fail("cannot create " + part + ": " + errno_text());
    }
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        return fail(dir + " is not a directory");
    if ((st.st_mode & 077) != 0 && ::chmod(dir.c_str(), 0700) != 0)
        return fail("cannot make " + dir + " private: " + errno_text());
    return {};
}

Result<std::string, std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail("cannot read " + path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

Result<void, std::string> create_private_file(const std::string& path, std::string_view bytes) {
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return fail("cannot create " + tmp + ": " + errno_text());
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    const bool ok = done == bytes.size() && ::fsync(fd) == 0;
    ::close(fd);
    // link() fails when the target exists, so a concurrent creator wins cleanly.
    const bool linked = ok && ::link(tmp.c_str(), path.c_str()) == 0;
    const int link_errno = errno;
    ::unlink(tmp.c_str());
    if (!ok) return fail("cannot write " + path);
    if (!linked) return fail("cannot create " + path + ": " + std::strerror(link_errno));
    return {};
}

Result<Secret, std::string> load_or_create_pepper(const std::string& dir) {
    const std::string path = dir + "/pepper";
    if (!exists(path)) {
        std::string bytes(32, '\0');
        if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), 32) != 1)
            return fail(std::string("CSPRNG failure"));
        auto created = create_private_file(path, bytes);
        wipe_string(bytes);
        if (!created && !exists(path)) return fail(created.error());
    }
    auto content = read_file(path);
    if (!content) return fail(content.error());
    if (content->size() != 32) {
        wipe_string(*content);
        return fail(path + " is not 32 bytes; refusing to guess (restore it from backup)");
    }
    return Secret(std::move(*content));
}

Result<SigningFiles, std::string> load_or_create_signing(const std::string& dir,
                                                         const std::string& key_path,
                                                         const std::string& cert_path) {
    SigningFiles files;
    files.key_path = key_path.empty() ? dir + "/signing-key.pem" : key_path;
    files.cert_path = cert_path.empty() ? dir + "/signing-cert.pem" : cert_path;
    if (key_path.empty()) {
        if (auto made = ensure_private_dir(dir); !made) return fail(made.error());
    }
    if (key_path.empty() && !exists(files.key_path)) {
        auto material = jwt::generate_signing_material("patd", 3650);
        if (!material) return fail(material.error());
        // Certificate first: a key without its certificate would be useless,
        // a certificate without its key is regenerated below.
        ::unlink(files.cert_path.c_str());
        auto cert = create_private_file(files.cert_path, material->cert_pem);
        auto key = cert ? create_private_file(files.key_path, material->key_pem) : cert;
        wipe_string(material->key_pem);
        if (!key && !exists(files.key_path)) return fail(key.error());
        files.generated = key.ok();
    }
    auto key = read_file(files.key_path);
    if (!key) return fail(key.error());
    auto cert = read_file(files.cert_path);
    if (!cert) {
        wipe_string(*key);
        return fail(cert.error());
    }
    files.material = jwt::SigningMaterial{std::move(*key), std::move(*cert)};
    return files;
}

}  // namespace pat::patd::config
