#pragma once
// The payload of a kernel keyring credential key, a small little-endian
// binary record (keys are opaque to other tools anyway). Two versions:
//   "DCP1"  u32 username_len  u32 secret_len  u32 chunk_count  u64 generation
//           username bytes, then — when chunk_count == 0 — the secret bytes.
//   "DCP2"  the same four fields, then u32 metadata_len; username bytes, the
//           metadata block (metadata_len bytes), then the inline secret.
//           The metadata block is, per entry in name order:
//           u8 name_len, name, u16 value_len, value.
// A credential without metadata is written as DCP1, so helpers that predate
// metadata keep reading it; DCP1 reads back with empty metadata.
// With chunk_count > 0 the secret is the concatenation of the payloads of
// the `chunk:<generation as 16 hex digits>:<i>` keys, i = 0 … chunk_count-1.
// While a store writes them, a `pending:<generation>` key says the chunks
// are wanted although no credential key references them yet.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "credentials/credentials.hpp"

namespace pat::platform::keyring_format {

// The kernel's limit for one `user` key payload (user_defined.c).
inline constexpr std::size_t k_max_key_payload = 32767;
// The larger (DCP2) header: what a head costs at most besides its data.
inline constexpr std::size_t k_header_size = 28;
// Descriptions are at most 4095 bytes plus the terminating NUL.
inline constexpr std::size_t k_max_description = 4095;
inline constexpr std::string_view k_cred_prefix = "cred:";

struct Head {
    std::string username;
    std::uint32_t secret_size = 0;
    std::uint32_t chunk_count = 0;  // 0: the secret is inline
    std::uint64_t generation = 0;   // names the chunks
    std::string inline_secret;      // when chunk_count == 0
    cred::Metadata metadata;        // names [a-z_]{1,32}, values < 64 KiB
};

// The bytes encode_head() spends on the username and metadata, i.e. the
// head's size without an inline secret.
std::size_t head_size_without_secret(const std::string& username, const cred::Metadata& metadata);

// Serialises a head (DCP1 without metadata, else DCP2). The result holds
// secret bytes: wipe it after use. Precondition: metadata is valid
// (cred::validate_metadata).
std::string encode_head(const Head& head);

// Parses a DCP1 or DCP2 head; nullopt for anything that is not a
// well-formed record.
std::optional<Head> decode_head(std::string_view payload);

// `chunk:<16 hex digits>:<index>`.
std::string chunk_description(std::uint64_t generation, std::uint32_t index);

// `pending:<16 hex digits>`: a store is writing the chunks of this
// generation and has not committed its credential key yet.
std::string pending_description(std::uint64_t generation);

// The generation a `chunk:…` / `pending:…` description names; nullopt for
// any other description.
std::optional<std::uint64_t> chunk_generation(std::string_view description);
std::optional<std::uint64_t> pending_generation(std::string_view description);

}  // namespace pat::platform::keyring_format
