#include "patd/http/router.hpp"

#include "patd/http/reply.hpp"

namespace pat::http {

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> out;
    std::size_t start = path.empty() || path[0] != '/' ? 0 : 1;
    while (start < path.size()) {
        const auto end = std::min(path.find('/', start), path.size());
        out.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

void Router::add(const std::string& method, const std::string& path_template,
                 RouteHandler handler) {
    for (auto& entry : m_entries) {
        if (entry.path_template == path_template) {
            entry.by_method[method] = std::move(handler);
            return;
        }
    }
    Entry entry{path_template, split_path(path_template), {}};
    entry.by_method[method] = std::move(handler);
    m_entries.push_back(std::move(entry));
}

Response Router::dispatch(Request& req, std::string& route) const {
    const auto segments = split_path(req.path);
    for (const auto& entry : m_entries) {
        if (entry.segments.size() != segments.size()) continue;
        PathParams params;
        bool match = true;
        for (std::size_t i = 0; i < segments.size() && match; ++i) {
            const auto& want = entry.segments[i];
            if (!want.empty() && want.front() == '{') {
                if (segments[i].empty()) match = false;
                params.push_back(segments[i]);
            } else {
                match = want == segments[i];
            }
        }
        if (!match) continue;
        route = entry.path_template;
        const auto it = entry.by_method.find(req.method);
        if (it != entry.by_method.end()) return it->second(req, params);
        std::string allow;
        for (const auto& [method, _] : entry.by_method) {
            if (!allow.empty()) allow += ", ";
            allow += method;
        }
        auto res = error_reply(405, "method not allowed");
        res.headers.emplace_back("Allow", allow);
        return res;
    }
    route = "unmatched";
    return error_reply(404, "not found");
}

}  // namespace pat::http
