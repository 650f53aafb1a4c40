#pragma once
// The console's HTML templates, CSS and JavaScript, compiled into patd from
// src/patd/console/assets/ (embed_assets.cmake): nothing is read from disk or
// fetched at run time.

#include <optional>
#include <string_view>

namespace pat::console {

struct Asset {
    std::string_view name;  // file name under assets/, e.g. "console.css"
    std::string_view data;
};

// The contents of asset `name`, or nullopt.
std::optional<std::string_view> find_asset(std::string_view name);
// 12 hex digits that change whenever any asset changes (cache busting).
std::string_view asset_version();

}  // namespace pat::console
