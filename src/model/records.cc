#include "model/records.h"

#include <array>
#include <string_view>

namespace voronka {

namespace {

template <typename Enum, size_t N>
std::optional<Enum> Lookup(const std::array<const char*, N>& names, std::string_view text) {
  for (size_t i = 0; i < N; ++i) {
    if (text == names[i]) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

constexpr std::array<const char*, 2> kEntityNames = {"deal", "lead"};
constexpr std::array<const char*, 3> kSemanticNames = {"open", "won", "lost"};
constexpr std::array<const char*, 10> kKindNames = {"call",    "email",   "meeting", "sms",
                                                    "chat",    "webform", "comment", "file",
                                                    "nps",     "other"};
constexpr std::array<const char*, 3> kDirectionNames = {"in", "out", "none"};
constexpr std::array<const char*, 3> kScopeNames = {"workspace", "department", "user"};
constexpr std::array<const char*, 13> kTypeNames = {
    "workspace",    "user",     "department", "pipeline",    "deal",
    "deal_update",  "stage_change", "activity", "task",      "task_update",
    "goal",         "company",  "contact"};

}  // namespace

const char* RecordTypeName(const RecordBody& body) { return kTypeNames[body.index()]; }
const char* EntityName(Entity entity) { return kEntityNames[static_cast<size_t>(entity)]; }
const char* StageSemanticName(StageSemantic value) {
  return kSemanticNames[static_cast<size_t>(value)];
}
const char* ActivityKindName(ActivityKind kind) { return kKindNames[static_cast<size_t>(kind)]; }
const char* DirectionName(Direction direction) {
  return kDirectionNames[static_cast<size_t>(direction)];
}
const char* GoalScopeName(GoalScope scope) { return kScopeNames[static_cast<size_t>(scope)]; }

std::optional<Entity> ParseEntity(std::string_view text) {
  return Lookup<Entity>(kEntityNames, text);
}
std::optional<StageSemantic> ParseStageSemantic(std::string_view text) {
  return Lookup<StageSemantic>(kSemanticNames, text);
}
std::optional<ActivityKind> ParseActivityKind(std::string_view text) {
  return Lookup<ActivityKind>(kKindNames, text);
}
std::optional<Direction> ParseDirection(std::string_view text) {
  return Lookup<Direction>(kDirectionNames, text);
}
std::optional<GoalScope> ParseGoalScope(std::string_view text) {
  return Lookup<GoalScope>(kScopeNames, text);
}

}  // namespace voronka
