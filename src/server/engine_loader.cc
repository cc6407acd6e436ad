#include "server/engine_loader.h"

#include <optional>

namespace voronka {

Result<std::shared_ptr<Engine>> LoadWorkspaceEngine(const SqliteStore& store, int64_t workspace_id,
                                                    const AdminSettings& settings,
                                                    BulkLoadTimes* times) {
  auto engine = std::make_shared<Engine>();
  Status loaded = BulkLoad(
      *engine,
      [&](const RecordSink& sink) {
        Status status = store.Load(workspace_id, [&](Record& record) {
          RewriteRecord(settings, record.body);
          sink(record);
        });
        if (!status.ok()) return status;
        if (std::optional<Record> record = SettingsRecord(settings)) sink(*record);
        return Status::Ok();
      },
      times);
  if (!loaded.ok()) return loaded;
  return engine;
}

}  // namespace voronka
