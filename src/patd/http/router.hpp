#pragma once
// Maps (method, path) to a route handler by path template, e.g.
// "/v2/access-tokens/{uuid}". Unknown path: 404 JSON; known path, other
// method: 405 JSON with Allow. Reports the matched template (never the raw
// path, which may hold ids) for logs and metrics.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "patd/http/message.hpp"

namespace pat::http {

// Values of the {…} segments of the matched template, in order.
using PathParams = std::vector<std::string>;
using RouteHandler = std::function<Response(Request&, const PathParams&)>;

class Router {
  public:
    // Registers `handler` for `method` on `path_template`. Templates are tried
    // in the order first registered, so register literal paths
    // ("/v2/access-tokens/current") before parameterised siblings.
    void add(const std::string& method, const std::string& path_template, RouteHandler handler);

    // Dispatches `req`. `route` receives the matched template, or "unmatched".
    Response dispatch(Request& req, std::string& route) const;

  private:
    struct Entry {
        std::string path_template;
        std::vector<std::string> segments;
        std::map<std::string, RouteHandler> by_method;
    };
    std::vector<Entry> m_entries;
};

// Splits a path into its '/'-separated segments; one trailing '/' is ignored.
std::vector<std::string> split_path(const std::string& path);

}  // namespace pat::http
