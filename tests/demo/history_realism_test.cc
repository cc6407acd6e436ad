// A 2 000-deal demo history read back through the canonical reader, and checked for the things
// a sales director would notice in a demo: win rates, forgotten deals, repeat customers, ...
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "demo/generator.h"
#include "ingest/ndjson.h"

namespace voronka {
namespace {

constexpr int64_t kDeals = 2000;

struct StageInfo {
  std::string pipeline;
  int position = 0;
  StageSemantic semantic = StageSemantic::kOpen;
};

struct DealHistory {
  const DealRecord* deal = nullptr;
  std::vector<const StageChangeRecord*> changes;  // by time
  Instant last_touch;
  std::string current_stage;
};

class DemoHistoryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    DemoOptions options;
    options.deals = kDeals;
    options.end_date = ParseDate("2025-11-20").value();
    text_ = new std::string;
    Status status = GenerateDemo(options, [](std::string_view chunk) { text_->append(chunk); });
    ASSERT_TRUE(status.ok()) << status.message();
    batch_ = new ParsedBatch(ParseNdjson(*text_));
    // The end of 2025-11-20 in Moscow: 2025-11-20T21:00:00Z.
    end_ = ParseInstant("2025-11-20T21:00:00Z").value();
    for (const Record& record : batch_->records) {
      if (const auto* pipeline = std::get_if<PipelineRecord>(&record.body)) {
        for (size_t i = 0; i < pipeline->stages.size(); ++i) {
          stages_[pipeline->stages[i].id] = {pipeline->id, static_cast<int>(i),
                                             pipeline->stages[i].semantic};
        }
      } else if (const auto* deal = std::get_if<DealRecord>(&record.body)) {
        DealHistory& history = deals_[deal->id];
        history.deal = deal;
        history.last_touch = deal->created_at;
        history.current_stage = deal->stage_id;
      } else if (const auto* change = std::get_if<StageChangeRecord>(&record.body)) {
        DealHistory& history = deals_[change->deal_id];
        history.changes.push_back(change);
        history.last_touch = std::max(history.last_touch, change->at);
      } else if (const auto* activity = std::get_if<ActivityRecord>(&record.body)) {
        if (activity->deal_id) {
          DealHistory& history = deals_[*activity->deal_id];
          history.last_touch = std::max(history.last_touch, activity->at);
        }
      } else if (const auto* task = std::get_if<TaskRecord>(&record.body)) {
        DealHistory& history = deals_[*task->deal_id];
        history.last_touch = std::max(history.last_touch, task->created_at);
        if (task->completed_at)
          history.last_touch = std::max(history.last_touch, *task->completed_at);
      }
    }
    for (auto& [id, history] : deals_) {
      std::stable_sort(
          history.changes.begin(), history.changes.end(),
          [](const StageChangeRecord* a, const StageChangeRecord* b) { return a->at < b->at; });
      if (!history.changes.empty()) history.current_stage = history.changes.back()->to;
    }
  }
  static void TearDownTestSuite() {
    delete batch_;
    delete text_;
  }

  template <typename Body>
  static std::vector<const Body*> All() {
    std::vector<const Body*> out;
    for (const Record& record : batch_->records) {
      if (const auto* body = std::get_if<Body>(&record.body)) out.push_back(body);
    }
    return out;
  }
  static StageSemantic Semantic(const std::string& stage) { return stages_.at(stage).semantic; }
  static bool IsDeal(const DealHistory& history) {
    return history.deal != nullptr && history.deal->entity == Entity::kDeal;
  }

  static std::string* text_;
  static ParsedBatch* batch_;
  static Instant end_;
  static std::map<std::string, StageInfo> stages_;
  static std::map<std::string, DealHistory> deals_;
};

std::string* DemoHistoryTest::text_ = nullptr;
ParsedBatch* DemoHistoryTest::batch_ = nullptr;
Instant DemoHistoryTest::end_;
std::map<std::string, StageInfo> DemoHistoryTest::stages_;
std::map<std::string, DealHistory> DemoHistoryTest::deals_;

TEST_F(DemoHistoryTest, ParsesAndValidatesAsOneBatch) {
  ASSERT_TRUE(batch_->ok()) << batch_->errors.size()
                            << " errors, first: " << batch_->errors.front();
  ValidateReferences(*batch_, EmptyCatalog());
  EXPECT_TRUE(batch_->ok()) << batch_->errors.size()
                            << " errors, first: " << batch_->errors.front();
  int64_t deals = 0, leads = 0;
  for (const auto* deal : All<DealRecord>()) (deal->entity == Entity::kDeal ? deals : leads)++;
  EXPECT_EQ(deals, kDeals);
  EXPECT_GT(leads, kDeals / 5);  // web, phone and mail requests come in as leads first
}

TEST_F(DemoHistoryTest, NothingHappensAfterTheEndDate) {
  Instant latest;
  for (const auto& [id, history] : deals_) latest = std::max(latest, history.last_touch);
  for (const auto* update : All<DealUpdateRecord>()) latest = std::max(latest, update->at);
  EXPECT_LT(latest, end_);
  // ... and the history is lively up to its last day.
  EXPECT_GT(latest.micros, end_.micros - kMicrosPerDay);
}

TEST_F(DemoHistoryTest, BetweenFifteenAndFortyFivePercentOfClosedDealsAreWon) {
  int64_t won = 0, lost = 0;
  for (const auto& [id, history] : deals_) {
    if (!IsDeal(history)) continue;
    const StageSemantic semantic = Semantic(history.current_stage);
    won += semantic == StageSemantic::kWon;
    lost += semantic == StageSemantic::kLost;
  }
  ASSERT_GT(won + lost, kDeals / 2);
  const double share = static_cast<double>(won) / static_cast<double>(won + lost);
  EXPECT_GT(share, 0.15);
  EXPECT_LT(share, 0.45);
}

TEST_F(DemoHistoryTest, SomeDealsAreMovedToWonByMistakeAndBackWithinMinutes) {
  int64_t mistakes = 0;
  for (const auto& [id, history] : deals_) {
    const auto& changes = history.changes;
    for (size_t i = 0; i + 1 < changes.size(); ++i) {
      if (Semantic(changes[i]->to) == StageSemantic::kWon &&
          Semantic(changes[i + 1]->to) == StageSemantic::kOpen &&
          changes[i + 1]->at.micros - changes[i]->at.micros <= 30 * kMicrosPerMinute) {
        ++mistakes;
      }
    }
  }
  EXPECT_GE(mistakes, 1);
}

TEST_F(DemoHistoryTest, SomeDealsMoveBackwards) {
  int64_t backward = 0;
  for (const auto& [id, history] : deals_) {
    std::string from = history.deal->stage_id;
    for (const auto* change : history.changes) {
      const StageInfo& a = stages_.at(from);
      const StageInfo& b = stages_.at(change->to);
      if (a.semantic == StageSemantic::kOpen && b.semantic == StageSemantic::kOpen &&
          b.position < a.position) {
        ++backward;
      }
      from = change->to;
    }
  }
  EXPECT_GE(backward, 20);  // a few percent of 2 000 deals
}

TEST_F(DemoHistoryTest, AFewOpenDealsAreForgotten) {
  // Forgotten: open at the end and not touched in the last 14 days.
  int64_t open = 0, forgotten = 0;
  for (const auto& [id, history] : deals_) {
    if (!IsDeal(history) || Semantic(history.current_stage) != StageSemantic::kOpen) continue;
    ++open;
    if (history.last_touch.micros <= end_.micros - 14 * kMicrosPerDay) ++forgotten;
  }
  ASSERT_GT(open, 20);
  EXPECT_GE(forgotten, 1);
  EXPECT_LT(forgotten * 5, open);  // a noticeable few, not a fifth of the pipeline
}

TEST_F(DemoHistoryTest, RepeatCustomersBuyAgain) {
  // A won deal is repeat when its company (or contact) has a deal won strictly earlier.
  std::vector<std::pair<Instant, std::string>> wins;  // close time, customer
  for (const auto& [id, history] : deals_) {
    if (!IsDeal(history) || Semantic(history.current_stage) != StageSemantic::kWon) continue;
    const DealRecord& deal = *history.deal;
    const std::string customer = deal.company_id ? *deal.company_id : deal.contact_id.value_or("");
    if (!customer.empty()) wins.push_back({history.changes.back()->at, customer});
  }
  std::sort(wins.begin(), wins.end());
  std::map<std::string, Instant> first_win;
  int64_t repeat = 0;
  for (const auto& [at, customer] : wins) {
    auto [it, inserted] = first_win.emplace(customer, at);
    if (!inserted && it->second < at) ++repeat;
  }
  EXPECT_GT(repeat * 10, static_cast<int64_t>(wins.size()));  // over a tenth of the wins
}

TEST_F(DemoHistoryTest, EveryManagerHasDealsAndSomeoneHasLeft) {
  std::map<std::string, int64_t> deals_of;
  for (const auto* deal : All<DealRecord>()) {
    if (deal->entity == Entity::kDeal) ++deals_of[deal->responsible_id.value_or("")];
  }
  int64_t inactive = 0;
  const auto users = All<UserRecord>();
  EXPECT_GE(users.size(), 10u);  // 6 managers at 2 000 deals and 4 department heads
  for (const auto* user : users) {
    EXPECT_GT(deals_of[user->id], 0) << user->id;
    inactive += !user->active;
  }
  EXPECT_GE(inactive, 1);
}

TEST_F(DemoHistoryTest, JanuaryIsWeakerThanDecemberAndTheCompanyGrows) {
  std::map<std::string, int64_t> created;  // "YYYY-MM" -> deals
  for (const auto* deal : All<DealRecord>()) {
    if (deal->entity == Entity::kDeal) ++created[FormatInstant(deal->created_at).substr(0, 7)];
  }
  EXPECT_LT(created["2024-01"], created["2023-12"]);
  EXPECT_LT(created["2025-01"], created["2024-12"]);
  // The last full half-year against the first one.
  int64_t first_half = 0, last_half = 0;
  for (const char* month : {"2023-12", "2024-01", "2024-02", "2024-03", "2024-04", "2024-05"}) {
    first_half += created[month];
  }
  for (const char* month : {"2025-05", "2025-06", "2025-07", "2025-08", "2025-09", "2025-10"}) {
    last_half += created[month];
  }
  EXPECT_GT(last_half, first_half * 5 / 4);
}

TEST_F(DemoHistoryTest, ActivitiesOfEveryKindWithCallDurations) {
  std::set<ActivityKind> kinds;
  int64_t calls = 0, calls_with_duration = 0;
  for (const auto* activity : All<ActivityRecord>()) {
    kinds.insert(activity->kind);
    if (activity->kind == ActivityKind::kCall) {
      ++calls;
      calls_with_duration += activity->duration_s.has_value();
    }
    if (activity->kind == ActivityKind::kNps) {
      ASSERT_TRUE(activity->score.has_value());
      EXPECT_LE(*activity->score, 10);
    }
  }
  for (ActivityKind kind :
       {ActivityKind::kCall, ActivityKind::kEmail, ActivityKind::kMeeting, ActivityKind::kSms,
        ActivityKind::kChat, ActivityKind::kWebform, ActivityKind::kComment, ActivityKind::kNps}) {
    EXPECT_TRUE(kinds.count(kind)) << ActivityKindName(kind);
  }
  EXPECT_EQ(calls_with_duration, calls);
  EXPECT_GT(All<ActivityRecord>().size(), static_cast<size_t>(kDeals) * 10);
}

TEST_F(DemoHistoryTest, TasksAreDoneOnTimeLateOrLeftOverdue) {
  int64_t on_time = 0, late = 0, overdue_open = 0;
  for (const auto* task : All<TaskRecord>()) {
    ASSERT_TRUE(task->deadline.has_value());
    EXPECT_LT(task->created_at, *task->deadline);
    if (task->completed_at) {
      EXPECT_GE(*task->completed_at, task->created_at);
      (*task->completed_at <= *task->deadline ? on_time : late)++;
    } else if (*task->deadline < end_) {
      ++overdue_open;
    }
  }
  EXPECT_GT(on_time, late);
  EXPECT_GE(late, 1);
  EXPECT_GE(overdue_open, 1);
}

TEST_F(DemoHistoryTest, UpdatesChangeAmountOwnerLossReasonAndContractDate) {
  int64_t amounts = 0, owners = 0, reasons = 0, contract_dates = 0;
  for (const auto* update : All<DealUpdateRecord>()) {
    amounts += update->amount.has_value();
    owners += update->responsible_id.has_value();
    reasons += update->loss_reason.has_value();
    for (const CustomField& field : update->fields) contract_dates += field.name == "contract_date";
  }
  EXPECT_GE(amounts, 1);
  EXPECT_GE(owners, 1);
  EXPECT_GE(reasons, kDeals / 4);  // every lost deal says why
  EXPECT_GE(contract_dates, 1);
  // Deals carry the yes/no, list and multi-list fields.
  const DealRecord& first = *All<DealRecord>().front();
  std::set<std::string> names;
  for (const CustomField& field : first.fields) names.insert(field.name);
  EXPECT_TRUE(names.count("delivery"));
}

TEST_F(DemoHistoryTest, ConvertedLeadsPointAtDealsCreatedAtConversion) {
  int64_t conversions = 0;
  for (const auto* update : All<DealUpdateRecord>()) {
    if (!update->converted_to || !*update->converted_to) continue;
    ++conversions;
    const DealHistory& deal = deals_.at(**update->converted_to);
    EXPECT_EQ(deal.deal->created_at, update->at);
    EXPECT_EQ(Semantic(deals_.at(update->id).current_stage), StageSemantic::kWon);
  }
  EXPECT_GT(conversions, kDeals / 10);
}

TEST_F(DemoHistoryTest, MonthlyGoalsForManagersAndDepartments) {
  std::set<std::string> periods;
  int64_t user_goals = 0, department_goals = 0;
  for (const auto* goal : All<GoalRecord>()) {
    EXPECT_EQ(goal->metric, "won_amount");
    EXPECT_GT(goal->target, 0);
    periods.insert(goal->period);
    (goal->scope == GoalScope::kUser ? user_goals : department_goals)++;
  }
  // 2023-11 (from the 21st) to 2025-11: 25 months.
  EXPECT_EQ(periods.size(), 25u);
  EXPECT_TRUE(periods.count("2025-11"));
  EXPECT_GE(department_goals, 25 * 3);
  EXPECT_GT(user_goals, department_goals);
}

}  // namespace
}  // namespace voronka
