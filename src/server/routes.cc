#include "server/routes.h"

namespace voronka {

const std::vector<RouteSpec>& ApiRoutes() {
  static const std::vector<RouteSpec> routes = {
      {"GET", "/api/v1/health", "/api/v1/health", RouteAccess::kPublic},
      {"POST", "/api/v1/login", "/api/v1/login", RouteAccess::kPublic},
      {"POST", "/api/v1/logout", "/api/v1/logout", RouteAccess::kSession},
      {"GET", "/api/v1/me", "/api/v1/me", RouteAccess::kSession},
      {"GET", "/api/v1/meta", "/api/v1/meta", RouteAccess::kSession},
      {"GET", "/api/v1/version", "/api/v1/version", RouteAccess::kSession},
      {"POST", "/api/v1/report", "/api/v1/report", RouteAccess::kSession},
      {"POST", "/api/v1/drilldown", "/api/v1/drilldown", RouteAccess::kSession},
      {"POST", "/api/v1/export", "/api/v1/export", RouteAccess::kSession},
      {"GET", "/api/v1/layout", "/api/v1/layout?page=overview", RouteAccess::kSession},
      {"PUT", "/api/v1/layout", "/api/v1/layout?page=overview", RouteAccess::kSession},
      {"GET", "/api/v1/filters", "/api/v1/filters", RouteAccess::kSession},
      {"POST", "/api/v1/filters", "/api/v1/filters", RouteAccess::kSession},
      {"DELETE", R"(/api/v1/filters/(\d+))", "/api/v1/filters/1", RouteAccess::kSession},
      {"POST", "/api/v1/events", "/api/v1/events", RouteAccess::kIngest},
      {"GET", "/api/v1/feed", "/api/v1/feed?since=2024-01-01T00:00:00Z", RouteAccess::kSession},
      {"POST", "/api/v1/feed/seen", "/api/v1/feed/seen", RouteAccess::kSession},
      {"GET", "/api/v1/search", "/api/v1/search?q=deal", RouteAccess::kSession},
      {"POST", "/api/v1/clients", "/api/v1/clients", RouteAccess::kSession},
      {"POST", "/api/v1/activity_sources", "/api/v1/activity_sources", RouteAccess::kSession},
      {"GET", "/api/v1/saved-reports", "/api/v1/saved-reports", RouteAccess::kSession},
      {"POST", "/api/v1/saved-reports", "/api/v1/saved-reports", RouteAccess::kSession},
      {"GET", R"(/api/v1/saved-reports/(\d+))", "/api/v1/saved-reports/1", RouteAccess::kSession},
      {"PUT", R"(/api/v1/saved-reports/(\d+))", "/api/v1/saved-reports/1", RouteAccess::kSession},
      {"DELETE", R"(/api/v1/saved-reports/(\d+))", "/api/v1/saved-reports/1",
       RouteAccess::kSession},
      {"POST", R"(/api/v1/saved-reports/(\d+)/report)", "/api/v1/saved-reports/1/report",
       RouteAccess::kSession},
      {"GET", "/api/v1/goals", "/api/v1/goals", RouteAccess::kSession},
      {"POST", "/api/v1/goals", "/api/v1/goals", RouteAccess::kSession},
      {"PUT", R"(/api/v1/goals/([A-Za-z0-9_.:-]+))", "/api/v1/goals/g1", RouteAccess::kSession},
      {"DELETE", R"(/api/v1/goals/([A-Za-z0-9_.:-]+))", "/api/v1/goals/g1",
       RouteAccess::kSession},
      {"GET", "/api/v1/settings", "/api/v1/settings", RouteAccess::kSession},
      {"PUT", "/api/v1/settings", "/api/v1/settings", RouteAccess::kSession},
      {"GET", "/api/v1/accounts", "/api/v1/accounts", RouteAccess::kSession},
      {"POST", "/api/v1/accounts", "/api/v1/accounts", RouteAccess::kSession},
      {"PUT", R"(/api/v1/accounts/(\d+))", "/api/v1/accounts/1", RouteAccess::kSession},
      {"GET", "/api/v1/crm-users", "/api/v1/crm-users", RouteAccess::kSession},
      {"GET", "/api/v1/tokens", "/api/v1/tokens", RouteAccess::kSession},
      {"POST", "/api/v1/tokens", "/api/v1/tokens", RouteAccess::kSession},
      {"DELETE", R"(/api/v1/tokens/([0-9a-f]+))", "/api/v1/tokens/0123456789abcdef",
       RouteAccess::kSession},
      // CRM outbound webhooks: the ingest token is in the address; the handler checks it.
      {"POST", "/api/v1/hooks/bitrix24", "/api/v1/hooks/bitrix24", RouteAccess::kPublic},
      {"POST", "/api/v1/hooks/amocrm", "/api/v1/hooks/amocrm", RouteAccess::kPublic},
  };
  return routes;
}

}  // namespace voronka
