// ValidateReferences: the checks that need the whole batch and the stored catalog.
#include <algorithm>
#include <string>
#include <unordered_map>

#include "ingest/ndjson.h"

namespace voronka {

namespace {

// Every map below holds views into `batch.records`, which validation never modifies.
using LineById = std::unordered_map<std::string_view, int64_t>;

// The variant index of record type T in RecordBody, at compile time.
template <typename T, typename Variant>
struct VariantIndex;
template <typename T, typename... Types>
struct VariantIndex<T, std::variant<Types...>> {
  static constexpr size_t value = [] {
    size_t index = 0;
    // Stops at the first match: && short-circuits once a term is false.
    (void)((std::is_same_v<T, Types> ? false : (++index, true)) && ...);
    return index;
  }();
};
template <typename T>
constexpr size_t kIndexOf = VariantIndex<T, RecordBody>::value;

struct LineError {
  int64_t line;
  std::string message;
};

// The id a record defines, for the record types whose ids must be unique in a batch.
// Updates, stage changes and the workspace define nothing.
std::optional<std::string_view> DefinedId(const RecordBody& body) {
  return std::visit(
      [](const auto& record) -> std::optional<std::string_view> {
        using T = std::decay_t<decltype(record)>;
        if constexpr (std::is_same_v<T, UserRecord> || std::is_same_v<T, DepartmentRecord> ||
                      std::is_same_v<T, PipelineRecord> || std::is_same_v<T, DealRecord> ||
                      std::is_same_v<T, ActivityRecord> || std::is_same_v<T, TaskRecord> ||
                      std::is_same_v<T, GoalRecord> || std::is_same_v<T, CompanyRecord> ||
                      std::is_same_v<T, ContactRecord>) {
          return std::string_view(record.id);
        } else {
          return std::nullopt;
        }
      },
      body);
}

class ReferenceChecker {
 public:
  ReferenceChecker(const ParsedBatch& batch, const Catalog& stored)
      : batch_(batch), stored_(stored) {}

  std::vector<LineError> Run() {
    for (size_t i = 0; i < batch_.records.size(); ++i) CollectDefinitions(i);
    for (size_t i = 0; i < batch_.records.size(); ++i) CheckReferences(i);
    // Definitions are collected before references are checked, so errors come out of two
    // passes; sorting puts them back in the order of the input.
    std::stable_sort(errors_.begin(), errors_.end(),
                     [](const LineError& a, const LineError& b) { return a.line < b.line; });
    return std::move(errors_);
  }

 private:
  void Fail(size_t index, std::string_view what) {
    int64_t line = batch_.lines[index];
    std::string message = "line " + std::to_string(line) + ": ";
    message += RecordTypeName(batch_.records[index].body);
    message += ": ";
    message += what;
    errors_.push_back({line, std::move(message)});
  }

  void CollectDefinitions(size_t index) {
    const Record& record = batch_.records[index];
    int64_t line = batch_.lines[index];
    if (record.event_id) {
      auto [it, inserted] = event_ids_.emplace(*record.event_id, line);
      if (!inserted) {
        Fail(index, "event_id '" + *record.event_id + "' is already used on line " +
                        std::to_string(it->second));
      }
    }
    std::optional<std::string_view> id = DefinedId(record.body);
    if (!id) return;
    auto [it, inserted] = defined_[record.body.index()].emplace(*id, line);
    if (!inserted) {
      Fail(index, "id '" + std::string(*id) + "' is already defined on line " +
                      std::to_string(it->second));
      return;  // the first definition stands; a second pipeline would only add noise
    }
    if (const auto* pipeline = std::get_if<PipelineRecord>(&record.body)) {
      CollectStages(index, *pipeline);
    }
  }

  void CollectStages(size_t index, const PipelineRecord& pipeline) {
    for (const StageDef& stage : pipeline.stages) {
      auto [it, inserted] = batch_stages_.emplace(stage.id, pipeline.id);
      if (!inserted) {
        Fail(index, "stage '" + stage.id + "' is already a stage of pipeline '" +
                        std::string(it->second) + "' (line " +
                        std::to_string(DefinitionLine<PipelineRecord>(it->second)) +
                        "); stage ids are unique in a workspace");
        continue;
      }
      std::optional<std::string_view> stored = stored_.PipelineOfStage(stage.id);
      if (stored && *stored != pipeline.id && !DefinedInBatch<PipelineRecord>(*stored)) {
        Fail(index, "stage '" + stage.id + "' is already a stage of stored pipeline '" +
                        std::string(*stored) + "'; stage ids are unique in a workspace");
      }
    }
  }

  template <typename T>
  bool DefinedInBatch(std::string_view id) const {
    return defined_[kIndexOf<T>].contains(id);
  }
  template <typename T>
  int64_t DefinitionLine(std::string_view id) const {
    const LineById& lines = defined_[kIndexOf<T>];
    auto it = lines.find(id);
    return it == lines.end() ? 0 : it->second;
  }

  // The pipeline a stage belongs to: a pipeline in the batch replaces the stored one of the
  // same id, so a stage dropped from it is unknown even if the store still has it.
  std::optional<std::string_view> PipelineOfStage(std::string_view stage) const {
    auto it = batch_stages_.find(stage);
    if (it != batch_stages_.end()) return it->second;
    std::optional<std::string_view> stored = stored_.PipelineOfStage(stage);
    if (stored && DefinedInBatch<PipelineRecord>(*stored)) return std::nullopt;
    return stored;
  }

  bool KnownPipeline(std::string_view id) const {
    return DefinedInBatch<PipelineRecord>(id) || stored_.HasPipeline(id);
  }
  bool KnownDeal(std::string_view id) const {
    return DefinedInBatch<DealRecord>(id) || stored_.HasDeal(id);
  }
  bool KnownTask(std::string_view id) const {
    return DefinedInBatch<TaskRecord>(id) || stored_.HasTask(id);
  }

  void CheckDeal(size_t index, std::string_view id) {
    if (!KnownDeal(id)) Fail(index, "unknown deal '" + std::string(id) + "'");
  }

  void CheckReferences(size_t index) {
    const RecordBody& body = batch_.records[index].body;
    if (const auto* deal = std::get_if<DealRecord>(&body)) {
      if (!KnownPipeline(deal->pipeline_id)) {
        Fail(index, "unknown pipeline '" + deal->pipeline_id + "'");
        return;
      }
      std::optional<std::string_view> pipeline = PipelineOfStage(deal->stage_id);
      if (!pipeline) {
        Fail(index, "unknown stage '" + deal->stage_id + "'");
      } else if (*pipeline != deal->pipeline_id) {
        Fail(index, "stage '" + deal->stage_id + "' belongs to pipeline '" +
                        std::string(*pipeline) + "', not to '" + deal->pipeline_id + "'");
      }
    } else if (const auto* update = std::get_if<DealUpdateRecord>(&body)) {
      CheckDeal(index, update->id);
    } else if (const auto* change = std::get_if<StageChangeRecord>(&body)) {
      CheckDeal(index, change->deal_id);
      // `from` is informative (the engine derives it from history), so only `to` must exist.
      if (!PipelineOfStage(change->to)) Fail(index, "unknown stage '" + change->to + "'");
    } else if (const auto* activity = std::get_if<ActivityRecord>(&body)) {
      if (activity->deal_id) CheckDeal(index, *activity->deal_id);
    } else if (const auto* task = std::get_if<TaskRecord>(&body)) {
      if (task->deal_id) CheckDeal(index, *task->deal_id);
    } else if (const auto* task_update = std::get_if<TaskUpdateRecord>(&body)) {
      if (!KnownTask(task_update->id)) Fail(index, "unknown task '" + task_update->id + "'");
    }
  }

  const ParsedBatch& batch_;
  const Catalog& stored_;
  std::vector<LineError> errors_;
  LineById event_ids_;
  LineById defined_[std::variant_size_v<RecordBody>];  // by record type (variant index)
  std::unordered_map<std::string_view, std::string_view> batch_stages_;  // stage -> pipeline
};

}  // namespace

// The line number an error message starts with ("line 12: ..."); every error has one.
static int64_t LineOfError(const std::string& error) {
  constexpr std::string_view kPrefix = "line ";
  int64_t line = 0;
  for (size_t i = kPrefix.size(); i < error.size() && error[i] >= '0' && error[i] <= '9'; ++i) {
    line = line * 10 + (error[i] - '0');
  }
  return line;
}

void ValidateReferences(ParsedBatch& batch, const Catalog& stored) {
  bool had_errors = !batch.errors.empty();
  for (LineError& error : ReferenceChecker(batch, stored).Run()) {
    batch.errors.push_back(std::move(error.message));
  }
  // Syntax errors found by the parser and reference errors found here read as one list in
  // the order of the input.
  if (had_errors) {
    std::stable_sort(batch.errors.begin(), batch.errors.end(),
                     [](const std::string& a, const std::string& b) {
                       return LineOfError(a) < LineOfError(b);
                     });
  }
}

}  // namespace voronka
