#pragma once
// The helper's JSON wire format (docs/protocol.md "JSON in and out").
//
// Input follows Go's encoding/json as used by docker-credential-helpers:
// keys match case-insensitively (exact match preferred), unknown keys are
// ignored, null leaves a field empty, only the FIRST JSON value is read
// (anything after it is ignored), every escape is understood (\u003c,
// surrogate pairs, \u0000). Invalid UTF-8 bytes become U+FFFD, one per byte,
// exactly as Go does, so a payload that worked with the upstream helper
// stores the same bytes here. Output is byte-identical to Go's encoder.

#include <map>
#include <string>
#include <string_view>

#include "credentials/credentials.hpp"
#include "credentials/errors.hpp"

namespace pat::cred {

// Decodes a `store` payload. Errors (Errc::bad_input) are one line and never
// contain payload bytes: empty input, a syntax error with its byte offset, or
// Go's type error text, e.g.
// `json: cannot unmarshal number into Go struct field Credentials.Username of type string`.
// Does not validate emptiness; the protocol layer does that, in upstream order.
// Invalid UTF-8 bytes become U+FFFD in every field, as in Go; `flaws`, when
// given, says which key fields held such bytes on the wire, so the protocol
// layer can refuse them (docs/inputs.md) while secrets keep Go's behaviour.
struct RawUtf8Flaws {
    bool server_url = false;
    bool username = false;
};
Result<Credentials> decode_credentials(std::string_view payload, RawUtf8Flaws* flaws = nullptr);

// `{"ServerURL":"…","Username":"…","Secret":"…"}` + "\n", Go-escaped
// (<, >, & and U+2028/U+2029 as \uXXXX; invalid UTF-8 as \ufffd). The
// returned string holds the secret: wipe it after use (pat::wipe_string).
std::string encode_credentials(std::string_view server_url, std::string_view username,
                               const Secret& secret);

// `{"key":"username",…}` + "\n" in key order; `{}` + "\n" when empty.
std::string encode_list(const std::map<std::string, std::string>& entries);

// Appends `text` as a JSON string literal (with quotes), escaped as Go does.
void append_json_string(std::string& out, std::string_view text);

// Replaces every byte that is not part of a well-formed UTF-8 sequence with
// U+FFFD (EF BF BD), one per byte, as Go's decoder and encoder do.
std::string coerce_utf8(std::string_view bytes);

}  // namespace pat::cred
