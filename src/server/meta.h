// GET /api/v1/meta: what the filter bar and labels need, limited to what an account may see.
#pragma once

#include <nlohmann/json.hpp>

#include "engine/tables.h"
#include "metrics/visibility.h"
#include "store/meta_store.h"

namespace voronka {

// {"users","departments","pipelines","sources","deal_types","loss_reasons","fields"}: users and
// departments the account sees; pipelines with their stages (structure, not data); sources,
// deal types, loss reasons and custom-field values as they occur on visible deals; "metrics",
// the catalogue: [{"name","kind","objects","takes_date","dates","per_stage"}] (docs/api.md).
nlohmann::json BuildMeta(const Tables& tables, const Account& account,
                         const Visibility& visibility);

}  // namespace voronka
