// The one list of the API routes the server answers. HttpServer registers exactly these and
// refuses to start with a handler missing or unlisted; the leak test walks the same list, so
// a new route cannot be added without the test covering it.
#pragma once

#include <string_view>
#include <vector>

namespace voronka {

enum class RouteAccess {
  kPublic,   // anyone (health, login)
  kSession,  // a logged-in person; POST/PUT/DELETE also need the CSRF token
  kIngest,   // a workspace's ingest token (Authorization: Bearer ...)
};

struct RouteSpec {
  std::string_view method;   // GET, POST, PUT, DELETE
  std::string_view pattern;  // as registered (a regular expression for path parameters)
  std::string_view example;  // a concrete path matching the pattern, for tests
  RouteAccess access;
};

// Every route under /api/v1, in registration order.
const std::vector<RouteSpec>& ApiRoutes();

}  // namespace voronka
