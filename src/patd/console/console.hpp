#pragma once
// The patd web console (docs/console.md): server-rendered pages at `/`,
// `/login`, `/settings/security/…` and `/device`, their CSS and JavaScript
// from the binary, and the device authorization endpoints (RFC 8628) that
// `docker-credential-pat login` calls. Every rule lives in TokenService;
// these routes only turn forms into service calls and results into HTML.

#include "patd/http/router.hpp"
#include "patd/http/routes.hpp"

namespace pat::console {

void add_console_routes(http::Router& router, http::RouteContext& ctx);

// The route groups (one file each).
void add_signin_routes(http::Router& router, http::RouteContext& ctx);
void add_token_pages(http::Router& router, http::RouteContext& ctx);
void add_security_pages(http::Router& router, http::RouteContext& ctx);
void add_device_routes(http::Router& router, http::RouteContext& ctx);

}  // namespace pat::console
