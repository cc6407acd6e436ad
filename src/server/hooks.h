// POST /api/v1/hooks/bitrix24 and /api/v1/hooks/amocrm: the outbound webhooks of the CRMs.
// The CRM cannot send an Authorization header, so the workspace's ingest token comes in the
// address (?token=...); the route is public and the handler checks it. See docs/import.md.
#pragma once

#include <string>

#include "server/api.h"

namespace voronka {

// `crm` is "bitrix24" or "amocrm".
RouteHandler CrmHookHandler(Runtime& runtime, const std::string& crm);

}  // namespace voronka
