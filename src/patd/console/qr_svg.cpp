#include "patd/console/qr_svg.hpp"

#include <qrencode.h>

#include <memory>

#include "common/secret.hpp"
#include "patd/console/html.hpp"

namespace pat::console {

namespace {
struct QrFree {
    void operator()(QRcode* code) const { QRcode_free(code); }
};
constexpr int k_quiet_zone = 4;  // modules of white border (ISO/IEC 18004)
}  // namespace

std::optional<std::string> qr_svg(std::string_view text, std::string_view label) {
    // libqrencode wants a NUL-terminated string; the copy holds a secret.
    std::string input(text);
    std::unique_ptr<QRcode, QrFree> code(
        QRcode_encodeString(input.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
    wipe_string(input);
    if (!code) return std::nullopt;
    const int width = code->width;
    const int size = width + 2 * k_quiet_zone;
    std::string svg =
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" role=\"img\" viewBox=\"0 0 " +
        std::to_string(size) + " " + std::to_string(size) +
        "\" shape-rendering=\"crispEdges\"><title>";
    append_escaped(svg, label);
    svg += "</title><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"";
    for (int y = 0; y < width; ++y) {
        for (int x = 0; x < width; ++x) {
            // Bit 0 of each module byte: 1 = dark.
            if ((code->data[y * width + x] & 1U) == 0) continue;
            int run = 1;
            while (x + run < width && (code->data[y * width + x + run] & 1U) != 0) ++run;
            svg += "M" + std::to_string(x + k_quiet_zone) + " " + std::to_string(y + k_quiet_zone) +
                   "h" + std::to_string(run) + "v1h-" + std::to_string(run) + "z";
            x += run - 1;
        }
    }
    svg += "\"/></svg>";
    return svg;
}

}  // namespace pat::console
