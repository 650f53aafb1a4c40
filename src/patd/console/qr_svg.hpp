#pragma once
// A QR code as inline SVG (libqrencode), so the 2FA setup page shows the
// otpauth:// URI without any image service or script. The SVG holds only
// rectangles; it is safe to embed in the page as it is.

#include <optional>
#include <string>
#include <string_view>

namespace pat::console {

// The SVG for `text` (error correction M), with `label` as its accessible
// name; nullopt when libqrencode cannot encode it (too long).
std::optional<std::string> qr_svg(std::string_view text, std::string_view label);

}  // namespace pat::console
