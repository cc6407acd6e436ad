#include "model/records.h"

#include <array>
#include <string_view>

namespace voronka {

namespace {

// Names as string_views, so that a lookup compares lengths first instead of measuring each
// name (a start-up parses the kind and direction of tens of millions of activities).
template <typename Enum, size_t N>
std::optional<Enum> Lookup(const std::array<std::string_view, N>& names, std::string_view text) {
  for (size_t i = 0; i < N; ++i) {
    if (text == names[i]) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

constexpr std::array<std::string_view, 2> kEntityNames = {"deal", "lead"};
constexpr std::array<std::string_view, 3> kSemanticNames = {"open", "won", "lost"};
constexpr std::array<std::string_view, 10> kKindNames = {
    "call", "email", "meeting", "sms", "chat", "webform", "comment", "file", "nps", "other"};
constexpr std::array<std::string_view, 3> kDirectionNames = {"in", "out", "none"};
constexpr std::array<std::string_view, 3> kScopeNames = {"workspace", "department", "user"};
constexpr std::array<std::string_view, 13> kTypeNames = {
    "workspace", "user", "department",  "pipeline", "deal",    "deal_update", "stage_change",
    "activity",  "task", "task_update", "goal",     "company", "contact"};

}  // namespace

const char* RecordTypeName(const RecordBody& body) {
  return kTypeNames[body.index()].data();
}
const char* EntityName(Entity entity) {
  return kEntityNames[static_cast<size_t>(entity)].data();
}
const char* StageSemanticName(StageSemantic value) {
  return kSemanticNames[static_cast<size_t>(value)].data();
}
const char* ActivityKindName(ActivityKind kind) {
  return kKindNames[static_cast<size_t>(kind)].data();
}
const char* DirectionName(Direction direction) {
  return kDirectionNames[static_cast<size_t>(direction)].data();
}
const char* GoalScopeName(GoalScope scope) {
  return kScopeNames[static_cast<size_t>(scope)].data();
}

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
