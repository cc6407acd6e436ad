// Random but reproducible CRM histories for property and differential tests: deals on the
// pipelines of kWorkspace (metric_test_util.h) with companies, contacts, stage changes, updates
// of amount, responsible and custom fields (a multi-list, a date or instant, a number, a text),
// activities and tasks (some of contacts and of no deal, some tasks handed over or rescheduled
// later), at unique seconds of 2024; and goals.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "metrics/metric_test_util.h"
#include "model/time.h"

namespace voronka::testing {

class HistoryGenerator {
 public:
  explicit HistoryGenerator(uint32_t seed) : rng_(seed) {}

  std::vector<std::string> Generate(int deals) {
    std::vector<std::string> lines;
    const char* stages[] = {"taken",  "request", "invoice", "awaiting", "paid",
                            "failed", "r_new",   "r_done",  "r_lost"};
    const char* users[] = {"u1", "u2", "u3"};
    const char* kinds[] = {"call", "email", "meeting", "comment", "chat", "nps"};
    const char* directions[] = {"in", "out", "none"};
    std::vector<std::string> task_ids;
    for (int d = 0; d < deals; ++d) {
      std::string id = "D" + std::to_string(d);
      int64_t created = Time(0, 150);
      nlohmann::json deal = {
          {"type", "deal"},
          {"id", id},
          {"title", (Pick(3) ? "Deal " : "СДЕЛКА ") + std::to_string(d)},
          {"pipeline_id", "p1"},
          {"stage_id", stages[Pick(4)]},
          {"amount", std::to_string(Pick(100000)) + "." + std::to_string(10 + Pick(90))},
          {"responsible_id", users[Pick(3)]},
          {"created_at", Stamp(created)}};
      if (Pick(3) > 0) deal["company_id"] = "c" + std::to_string(Pick(4));
      if (Pick(2) > 0) deal["contact_id"] = "k" + std::to_string(Pick(3));
      if (Pick(2) > 0) deal["source"] = Pick(2) ? "web" : "cold";
      if (Pick(3) == 0) deal["deal_type"] = Pick(2) ? "new" : "upsell";
      if (Pick(2) > 0)
        deal["fields"] = {{"tags", Pick(2) ? nlohmann::json{"vip", "b2b"} : nlohmann::json{"b2b"}}};
      if (Pick(2) > 0) deal["fields"]["due"] = DueValue();
      if (Pick(2) > 0) deal["fields"]["budget"] = BudgetValue();
      if (Pick(3) > 0) deal["fields"]["note"] = Pick(2) ? "Срочно, звонить" : "regular Client";
      lines.push_back(deal.dump());
      int64_t at = created;
      for (int k = Pick(5); k > 0; --k) {
        at = After(at);
        lines.push_back(nlohmann::json{{"type", "stage_change"},
                                       {"deal_id", id},
                                       {"to", stages[Pick(9)]},
                                       {"at", Stamp(at)},
                                       {"by", users[Pick(3)]}}
                            .dump());
      }
      for (int k = Pick(3); k > 0; --k) {
        nlohmann::json set = {{"amount", std::to_string(Pick(5000))}};
        if (Pick(2)) set["responsible_id"] = users[Pick(3)];
        if (Pick(2))
          set["fields"] = {{"tags", Pick(2) ? nlohmann::json(nullptr) : nlohmann::json{"vip"}}};
        if (Pick(3) == 0) set["fields"]["due"] = DueValue();
        if (Pick(3) == 0) set["fields"]["budget"] = BudgetValue();
        lines.push_back(nlohmann::json{
            {"type", "deal_update"},
            {"id", id},
            {"at", Stamp(After(created))},
            {"set", set}}.dump());
      }
      for (int k = Pick(4); k > 0; --k) {
        nlohmann::json activity = {{"type", "activity"},
                                   {"id", id + "a" + std::to_string(k)},
                                   {"kind", kinds[Pick(6)]},
                                   {"direction", directions[Pick(3)]},
                                   {"deal_id", id},
                                   {"user_id", users[Pick(3)]},
                                   {"at", Stamp(After(created))}};
        if (activity["kind"] == "nps") activity["score"] = Pick(11);
        lines.push_back(activity.dump());
      }
      if (Pick(2)) {
        int64_t task_created = After(created);
        int64_t deadline = After(task_created);
        nlohmann::json task = {{"type", "task"},
                               {"id", id + "t"},
                               {"deal_id", id},
                               {"user_id", users[Pick(3)]},
                               {"created_at", Stamp(task_created)},
                               {"deadline", Stamp(deadline)},
                               {"completed_at", nullptr}};
        lines.push_back(task.dump());
        if (Pick(2)) {
          int64_t done = After(task_created);
          lines.push_back(nlohmann::json{{"type", "task_update"},
                                         {"id", id + "t"},
                                         {"at", Stamp(done)},
                                         {"set", {{"completed_at", Stamp(done)}}}}
                              .dump());
        }
        task_ids.push_back(id + "t");
      }
    }
    // Conversations with contacts outside deals, tasks of no deal, and tasks handed to another
    // user or given another deadline later.
    for (int k = 0; k < deals / 3; ++k) {
      std::string id = "C" + std::to_string(k);
      int64_t at = Time(0, 170);
      for (int m = 1 + Pick(3); m > 0; --m) {
        lines.push_back(nlohmann::json{{"type", "activity"},
                                       {"id", id + "a" + std::to_string(m)},
                                       {"kind", kinds[Pick(3) == 0 ? 4 : Pick(2)]},
                                       {"direction", directions[Pick(2)]},
                                       {"contact_id", "k" + std::to_string(Pick(3))},
                                       {"user_id", users[Pick(3)]},
                                       {"at", Stamp(at)}}
                            .dump());
        at = Time(static_cast<int>((at - 1704067200) / 86400), 175);
      }
      int64_t created = Time(0, 150);
      nlohmann::json task = {{"type", "task"},
                             {"id", id + "t"},
                             {"user_id", users[Pick(3)]},
                             {"created_at", Stamp(created)},
                             {"deadline", Stamp(After(created))},
                             {"completed_at", Pick(2) ? nlohmann::json(nullptr)
                                                      : nlohmann::json(Stamp(After(created)))}};
      lines.push_back(task.dump());
    }
    for (const std::string& task : task_ids) {
      if (Pick(3) != 0) continue;
      nlohmann::json set;
      if (Pick(2)) set["user_id"] = Pick(4) == 0 ? nlohmann::json(nullptr) : nlohmann::json(users[Pick(3)]);
      if (Pick(2)) set["deadline"] = Stamp(Time(30, 170));
      if (set.empty()) set["deadline"] = nullptr;
      lines.push_back(nlohmann::json{{"type", "task_update"},
                                     {"id", task},
                                     {"at", Stamp(Time(20, 180))},
                                     {"set", set}}
                          .dump());
    }
    // Goals: of the workspace, a department and a user, over months, a quarter and the year.
    const char* metrics[] = {"won_amount", "won_count", "created_count", "lost_amount"};
    const char* periods[] = {"2024-02", "2024-03", "2024-Q2", "2024", "2024-06"};
    for (int g = 0; g < 4; ++g) {
      nlohmann::json goal = {{"type", "goal"},
                             {"id", "g" + std::to_string(g)},
                             {"metric", metrics[Pick(4)]},
                             {"period", periods[Pick(5)]},
                             {"target", std::to_string(1 + Pick(500000))}};
      int scope = Pick(3);
      goal["scope"] = scope == 0 ? "workspace" : scope == 1 ? "department" : "user";
      if (scope == 1) goal["scope_id"] = Pick(2) ? "d1" : "d2";
      if (scope == 2) goal["scope_id"] = users[Pick(3)];
      lines.push_back(goal.dump());
    }
    return lines;
  }

  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint32_t>(n)); }
  std::mt19937& rng() { return rng_; }

 private:
  // A unique second between day `from` and day `to` of 2024 (unique, so no two events tie).
  int64_t Time(int from, int to) {
    while (true) {
      int64_t t = 1704067200 + int64_t{from} * 86400 + Pick((to - from) * 86400);
      if (used_.insert(t).second) return t;
    }
  }
  // A date field's value: a date, an instant with an offset, or a text that is no date.
  nlohmann::json DueValue() {
    int64_t at = Time(0, 200);
    std::string stamp = Stamp(at);
    switch (Pick(4)) {
      case 0:
        return stamp.substr(0, 19) + "+03:00";
      case 1:
        return "soon";
      default:
        return stamp.substr(0, 10);
    }
  }
  // A number field's value: a JSON number, a decimal text, or a text that is no number.
  nlohmann::json BudgetValue() {
    switch (Pick(4)) {
      case 0:
        return nlohmann::json(Pick(200000) / 4.0);
      case 1:
        return std::to_string(Pick(90000)) + ".5";
      case 2:
        return "n/a";
      default:
        return nlohmann::json(Pick(100000));
    }
  }
  int64_t After(int64_t t) {
    int day = static_cast<int>((t - 1704067200) / 86400);
    return Time(day + 1, day + 30);
  }
  static std::string Stamp(int64_t seconds) {
    return FormatInstant(Instant{seconds * kMicrosPerSecond});
  }

  std::mt19937 rng_;
  std::set<int64_t> used_;
};

// The lines of kWorkspace followed by `deals` generated deals with their history.
inline std::vector<std::string> WorkspaceWithHistory(HistoryGenerator& generator, int deals) {
  std::vector<std::string> lines;
  for (size_t start = 0; start < kWorkspace.size();) {
    size_t end = kWorkspace.find('\n', start);
    if (end == std::string_view::npos) end = kWorkspace.size();
    if (end > start) lines.emplace_back(kWorkspace.substr(start, end - start));
    start = end + 1;
  }
  for (std::string& line : generator.Generate(deals)) lines.push_back(std::move(line));
  return lines;
}

// NDJSON text of `lines`.
inline std::string JoinLines(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

}  // namespace voronka::testing
