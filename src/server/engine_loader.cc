#include "server/engine_loader.h"

#include <optional>

namespace voronka {

namespace {

// Rewrites each record as the settings say (RewriteRecord) on its way into `slots`.
class RewritingSlots final : public RecordSlots {
 public:
  RewritingSlots(RecordSlots& slots, const AdminSettings& settings)
      : slots_(slots), settings_(settings) {}
  Record& Next() override {
    record_ = &slots_.Next();
    return *record_;
  }
  void Commit() override {
    RewriteRecord(settings_, record_->body);
    slots_.Commit();
  }

 private:
  RecordSlots& slots_;
  const AdminSettings& settings_;
  Record* record_ = nullptr;
};

}  // namespace

Result<std::shared_ptr<Engine>> LoadWorkspaceEngine(const SqliteStore& store, int64_t workspace_id,
                                                    const AdminSettings& settings,
                                                    BulkLoadTimes* times) {
  auto engine = std::make_shared<Engine>();
  // A hint: without it the load is the same, only slower.
  if (Result<int64_t> activities = store.ActivityCount(workspace_id); activities.ok()) {
    engine->ExpectActivities(activities.value());
  }
  Result<std::unique_ptr<SqliteStore::SplitRead>> split = store.BeginSplitRead(workspace_id);
  if (!split.ok()) return split.status();
  auto read = [&](int part) {
    return [&, part](RecordSlots& slots) {
      RewritingSlots rewriting(slots, settings);
      Status status = (*split)->Read(part, rewriting);
      if (!status.ok()) return status;
      // The settings come after the stored workspace record, which part 0 reads first.
      if (part != 0) return Status::Ok();
      if (std::optional<Record> record = SettingsRecord(settings)) slots.Put(*record);
      return Status::Ok();
    };
  };
  Status loaded = BulkLoad(*engine, {read(0), read(1)}, times);
  if (!loaded.ok()) return loaded;
  return engine;
}

}  // namespace voronka
