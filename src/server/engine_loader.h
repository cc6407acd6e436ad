// Loading a workspace's engine from the SQLite store: at start, for a workspace first used,
// and when a settings change rebuilds it.
#pragma once

#include <cstdint>
#include <memory>

#include "access/workspace_settings.h"
#include "engine/bulk_load.h"
#include "engine/engine.h"
#include "model/status.h"
#include "store/sqlite/sqlite_store.h"

namespace voronka {

// A new engine holding every stored record of the workspace, rewritten by `settings`
// (RewriteRecord) and followed by the settings' own workspace record (SettingsRecord): what
// applying the records batch by batch gives, read from the store on a second thread while
// this one applies (BulkLoad), published once. `times` (optional) receives where the time went.
Result<std::shared_ptr<Engine>> LoadWorkspaceEngine(const SqliteStore& store, int64_t workspace_id,
                                                    const AdminSettings& settings,
                                                    BulkLoadTimes* times = nullptr);

}  // namespace voronka
