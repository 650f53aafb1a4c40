#pragma once
// When a token's expiry is worth a warning: patd's API and console and the
// helper's `check` flag the same tokens (docs/patd-api.md "Expiry
// warnings"), so the window is part of their shared contract.

#include <chrono>

namespace pat {

inline constexpr std::chrono::hours k_expiry_warning_window{7 * 24};

// True when `expires_at` is still ahead of `now` but within the window. An
// expired token is not "expiring soon": it has its own state.
constexpr bool expires_soon(std::chrono::system_clock::time_point expires_at,
                            std::chrono::system_clock::time_point now) {
    return expires_at > now && expires_at - now <= k_expiry_warning_window;
}

}  // namespace pat
