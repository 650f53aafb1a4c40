#pragma once
// Request counters for /metrics, labelled by route *template* and status so
// no id or secret from a path can reach a label.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "patd/domain/types.hpp"

namespace pat::http {

class HttpMetrics {
  public:
    // Thread-safe.
    void count(const std::string& route, int status);
    // Prometheus text exposition (format 0.0.4) of the request counters and
    // the service counters.
    std::string render(const patd::ServiceStats& stats) const;

  private:
    mutable std::mutex m_mutex;
    std::map<std::pair<std::string, int>, std::uint64_t> m_requests;
};

}  // namespace pat::http
