#pragma once
// Text that came from outside — a token service's reply (labels, reasons,
// error details), a keychain key, a registry name — is shown to people on a
// terminal, which would obey any control sequence in it: ESC sequences that
// recolour, retitle or rewrite the screen, a CR that overprints the line
// with something else, bidi overrides that make `evil` read as `live`.
// Human output passes such strings through terminal_safe(); machine output
// (--format json, the protocol's JSON) does not.

#include <string>
#include <string_view>

namespace pat {

// `text` with everything a terminal would interpret instead of print made
// visible, and everything else (printable ASCII, valid UTF-8 text) as is:
//   C0 controls U+0000–U+001F and DEL            -> \xNN   (ESC -> \x1b)
//   bytes that are not valid UTF-8                -> \xNN
//   C1 controls U+0080–U+009F                     -> \uNNNN (lower-case hex)
//   bidi controls U+061C, U+200E, U+200F,
//     U+202A–U+202E, U+2066–U+2069, and the
//     deprecated format controls U+206A–U+206F    -> \uNNNN
//   line and paragraph separators U+2028, U+2029  -> \uNNNN
// A backslash stays a backslash: the output is for reading, not parsing.
std::string terminal_safe(std::string_view text);

}  // namespace pat
