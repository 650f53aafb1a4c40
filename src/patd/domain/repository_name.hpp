#pragma once
// Repository names as the registry itself accepts them: the "remote-name"
// of the distribution reference grammar (github.com/distribution/reference):
//
//   remote-name    := path-component ['/' path-component]*
//   path-component := alpha-numeric [separator alpha-numeric]*
//   alpha-numeric  := [a-z0-9]+
//   separator      := [_.] | '__' | [-]+
//
// at most 255 characters. patd grants nothing on any other name ("..",
// empty components, a ":tag", upper case, NUL, non-ASCII look-alikes), so a
// grant can never name something the registry would read differently.

#include <cstddef>
#include <string_view>

namespace pat::patd {

inline constexpr std::size_t k_repository_name_max = 255;

bool is_valid_repository_name(std::string_view name);

}  // namespace pat::patd
