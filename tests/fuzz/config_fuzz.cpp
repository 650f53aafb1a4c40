// Fuzz target: the helper's own config.json as it reads it, all of its
// settings (helper/lifecycle/helper_config.hpp: the token-service keys and
// the store keys) from $XDG_CONFIG_HOME/docker-credential-pat/config.json in
// a private directory. Promises checked:
// any text gives settings or an error, never a crash; an error is one line
// that names the file.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "fuzz_check.hpp"
#include "helper/lifecycle/helper_config.hpp"

using namespace pat;
namespace fs = std::filesystem;

namespace {

// A private directory for the whole run, removed at exit.
class ConfigDir {
  public:
    ConfigDir() {
        std::string pattern = (fs::temp_directory_path() / "pat-fuzz-config.XXXXXX").string();
        const char* made = ::mkdtemp(pattern.data());
        if (made == nullptr) fuzz::broken("mkdtemp");
        m_path = made;
        fs::create_directory(m_path / "docker-credential-pat");
    }
    ~ConfigDir() {
        std::error_code ignored;
        fs::remove_all(m_path, ignored);
    }
    ConfigDir(const ConfigDir&) = delete;
    ConfigDir& operator=(const ConfigDir&) = delete;
    const fs::path& path() const { return m_path; }

  private:
    fs::path m_path;
};

const fs::path& config_dir() {
    static const ConfigDir dir;
    return dir.path();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const fs::path& dir = config_dir();
    const fs::path file = dir / "docker-credential-pat" / "config.json";
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
        if (!out) fuzz::broken("writing config.json");
    }
    const std::string dir_text = dir.string();
    const cred::EnvLookup env = [&dir_text](std::string_view name) -> std::optional<std::string> {
        if (name == "XDG_CONFIG_HOME" || name == "HOME") return dir_text;
        return std::nullopt;
    };
    const auto settings = helper::load_settings(env);
    if (!settings.ok()) {
        const std::string& message = settings.error().message;
        fuzz::check(!message.empty() && message.find('\n') == std::string::npos,
                    "a config error is one line");
        fuzz::check(message.find(file.string()) != std::string::npos,
                    "a config error names the file");
    }
    return 0;
}
