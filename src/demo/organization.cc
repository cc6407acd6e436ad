#include "demo/organization.h"

#include <algorithm>

namespace voronka::demo {

namespace {

constexpr std::array<const char*, 6> kSalesStageIds = {"taken",    "request", "invoice",
                                                       "awaiting", "paid",    "failed"};
constexpr std::array<const char*, 5> kPurchasingStageIds = {"purchase_new", "purchase_approval",
                                                            "purchase_ordered", "purchase_received",
                                                            "purchase_cancelled"};
constexpr std::array<const char*, 7> kEnterpriseStageIds = {
    "qualification",    "presentation",    "proposal", "negotiation",
    "contract_signing", "contract_signed", "refused"};
constexpr std::array<const char*, 5> kLeadStageIds = {
    "lead_new", "lead_contacted", "lead_qualified", "lead_converted", "lead_junk"};

const std::array<PipelineShape, kPipelineCount> kShapes = {{
    {"sales", kSalesStageIds, 4},
    {"purchasing", kPurchasingStageIds, 3},
    {"enterprise", kEnterpriseStageIds, 5},
    {"leads", kLeadStageIds, 3},
}};

constexpr std::array<const char*, kDepartmentCount> kDepartmentIds = {"d1", "d2", "d3", "d4"};

// Which departments take the deals of each pipeline (leads go to the sales people).
bool Serves(Department department, PipelineKind kind) {
  switch (kind) {
    case kSales:
    case kLeads:
      return department == kSalesDept || department == kRegionalDept;
    case kEnterprise:
      return department == kEnterpriseDept;
    case kPurchasing:
      return department == kPurchasingDept;
    default:
      return false;
  }
}

double Clamp(double value, double low, double high) {
  return std::min(std::max(value, low), high);
}

}  // namespace

const PipelineShape& Shape(PipelineKind kind) {
  return kShapes[static_cast<size_t>(kind)];
}

Organization Organization::Build(int64_t deals, const HistoryClock& clock, Random& random) {
  Organization org;
  const int32_t days = clock.day_count();
  const int32_t never = days + 100000;
  // Heads first: u1..u4. They sell too, a little, and they are strong at it.
  for (int32_t d = 0; d < kDepartmentCount; ++d) {
    Manager head;
    head.department = static_cast<Department>(d);
    head.head = true;
    head.last_day = never;
    head.workload = 0.35;
    head.win_skill = 1.25;
    head.activity = 0.8;
    head.deal_size = 1.4;
    head.slowness = 0.9;
    head.stall_chance = 0.03;
    head.reply_minutes = 45;
    head.capacity = 40;
    org.heads_[static_cast<size_t>(d)] = d;
    org.managers_.push_back(head);
  }
  const int64_t regular = std::max<int64_t>(6, 5 + deals / 2000);
  // Sales 40 %, regional 25 %, enterprise 20 %, purchasing 15 %: each gets at least one.
  constexpr double kShare[kDepartmentCount] = {0.40, 0.25, 0.20, 0.15};
  std::array<int64_t, kDepartmentCount> per_department{};
  int64_t assigned = 0;
  for (int32_t d = 1; d < kDepartmentCount; ++d) {
    per_department[static_cast<size_t>(d)] =
        std::max<int64_t>(1, static_cast<int64_t>(regular * kShare[d] + 0.5));
    assigned += per_department[static_cast<size_t>(d)];
  }
  per_department[0] = std::max<int64_t>(1, regular - assigned);
  for (int32_t d = 0; d < kDepartmentCount; ++d) {
    for (int64_t i = 0; i < per_department[static_cast<size_t>(d)]; ++i) {
      Manager m;
      m.department = static_cast<Department>(d);
      m.last_day = never;
      m.workload = Clamp(random.LogNormal(1.0, 0.3), 0.5, 2.0);
      m.win_skill = Clamp(random.LogNormal(1.0, 0.25), 0.55, 1.6);
      m.activity = Clamp(random.LogNormal(1.0, 0.35), 0.4, 2.2);
      m.deal_size = Clamp(random.LogNormal(1.0, 0.3), 0.5, 2.0);
      m.slowness = Clamp(random.LogNormal(1.0, 0.3), 0.5, 2.0);
      m.stall_chance = Clamp(random.LogNormal(0.05, 0.5), 0.01, 0.18);
      m.reply_minutes = Clamp(random.LogNormal(25.0, 0.6) / m.activity, 3, 240);
      m.capacity = static_cast<int32_t>(random.Between(6, 15)) * 10;
      org.managers_.push_back(m);
    }
  }
  const int32_t count = static_cast<int32_t>(org.managers_.size());
  // Some joined later as the company grew (never the first manager of a department, so every
  // department has someone from day one).
  for (int32_t i = kDepartmentCount + 1; i < count; ++i) {
    if (random.Chance(0.15)) {
      org.managers_[static_cast<size_t>(i)].first_day =
          static_cast<int32_t>(days * (0.1 + 0.5 * random.Unit()));
    }
  }
  // One or two leave at 15 managers, about an eighth of the team at any size.
  const int64_t leaving = std::max<int64_t>(1, (regular + 4) / 8);
  for (int64_t n = 0; n < leaving; ++n) {
    const int32_t i =
        kDepartmentCount + static_cast<int32_t>(random.Below(static_cast<uint64_t>(regular)));
    Manager& m = org.managers_[static_cast<size_t>(i)];
    if (m.last_day != never) continue;
    m.last_day =
        std::max(m.first_day + 90, static_cast<int32_t>(days * (0.3 + 0.6 * random.Unit())));
    if (m.last_day >= days) m.last_day = never;
    m.left = m.last_day != never;
  }
  // A leaver's deals go to a colleague who stays, or to the head.
  for (int32_t i = 0; i < count; ++i) {
    Manager& m = org.managers_[static_cast<size_t>(i)];
    if (m.last_day == never) continue;
    m.successor = org.heads_[m.department];
    const int32_t start = static_cast<int32_t>(random.Below(static_cast<uint64_t>(count)));
    for (int32_t step = 0; step < count; ++step) {
      const int32_t j = (start + step) % count;
      const Manager& other = org.managers_[static_cast<size_t>(j)];
      if (j != i && !other.head && other.department == m.department && other.last_day == never &&
          other.first_day < m.last_day) {
        m.successor = j;
        break;
      }
    }
  }
  for (int32_t k = 0; k < kPipelineCount; ++k) {
    double sum = 0;
    for (int32_t i = 0; i < count; ++i) {
      const Manager& m = org.managers_[static_cast<size_t>(i)];
      if (!Serves(m.department, static_cast<PipelineKind>(k))) continue;
      sum += m.workload;
      org.pools_[static_cast<size_t>(k)].push_back(i);
      org.pool_sums_[static_cast<size_t>(k)].push_back(sum);
    }
  }
  return org;
}

int32_t Organization::ResponsibleAt(int32_t manager, int64_t t) const {
  const int32_t day = HistoryClock::DayOf(t);
  // Successors never leave, so the chain is at most one step; the loop is only a guard.
  for (int guard = 0; guard < 4; ++guard) {
    const Manager& m = managers_[static_cast<size_t>(manager)];
    if (day < m.last_day || m.successor < 0) break;
    manager = m.successor;
  }
  return manager;
}

int32_t Organization::Pick(PipelineKind kind, int32_t day, Random& random) const {
  const auto& pool = pools_[static_cast<size_t>(kind)];
  const auto& sums = pool_sums_[static_cast<size_t>(kind)];
  // Rejection keeps the draw proportional to workload among the managers working that day.
  for (int attempt = 0; attempt < 16; ++attempt) {
    const double x = random.Unit() * sums.back();
    const size_t at =
        static_cast<size_t>(std::upper_bound(sums.begin(), sums.end(), x) - sums.begin());
    const int32_t candidate = pool[std::min(at, pool.size() - 1)];
    if (IsActive(candidate, day)) return candidate;
  }
  return heads_[managers_[static_cast<size_t>(pool.front())].department];
}

int32_t Organization::Colleague(int32_t manager, int32_t day, Random& random) const {
  const Department department = managers_[static_cast<size_t>(manager)].department;
  const int32_t count = static_cast<int32_t>(managers_.size());
  for (int attempt = 0; attempt < 16; ++attempt) {
    const int32_t j = random.Below(count);
    const Manager& other = managers_[static_cast<size_t>(j)];
    if (j != manager && other.department == department && IsActive(j, day) && !other.head) {
      return j;
    }
  }
  return heads_[department];
}

void Organization::Write(const Vocabulary& words, NdjsonWriter& out) const {
  for (int32_t d = 0; d < kDepartmentCount; ++d) {
    out.Raw(R"({"type":"department","id":")").Raw(kDepartmentIds[static_cast<size_t>(d)]);
    out.Raw(R"(","name":)").String(words.departments[static_cast<size_t>(d)]);
    out.Raw(R"(,"parent_id":)").Raw(d == kRegionalDept ? R"("d1")" : "null");
    out.Raw(R"(,"head_id":)").Id('u', heads_[static_cast<size_t>(d)] + 1).Raw("}");
    out.EndLine();
  }
  const int32_t count = static_cast<int32_t>(managers_.size());
  for (int32_t i = 0; i < count; ++i) {
    const Manager& m = managers_[static_cast<size_t>(i)];
    out.Raw(R"({"type":"user","id":)").Id('u', i + 1).Raw(R"(,"name":)");
    // Scattered name indexes: people of one department do not all share a surname.
    out.String(PersonName(words, static_cast<uint64_t>(i) * 7 + 3));
    out.Raw(R"(,"department_id":")").Raw(kDepartmentIds[static_cast<size_t>(m.department)]);
    out.Raw(R"(","active":)").Raw(m.left ? "false" : "true");
    out.Raw(R"(,"capacity":)").Int(m.capacity).Raw("}");
    out.EndLine();
  }
  const std::array<const PipelineWords*, kPipelineCount> names = {&words.sales, &words.purchasing,
                                                                  &words.enterprise, &words.leads};
  for (int32_t k = 0; k < kPipelineCount; ++k) {
    const PipelineShape& shape = kShapes[static_cast<size_t>(k)];
    const PipelineWords& pipeline = *names[static_cast<size_t>(k)];
    out.Raw(R"({"type":"pipeline","id":")").Raw(shape.id).Raw(R"(","name":)");
    out.String(pipeline.name).Raw(R"(,"entity":)").Raw(k == kLeads ? R"("lead")" : R"("deal")");
    out.Raw(R"(,"stages":[)");
    for (size_t s = 0; s < shape.stage_ids.size(); ++s) {
      const int32_t index = static_cast<int32_t>(s);
      const char* semantic =
          index < shape.open_count ? "open" : (index == shape.won() ? "won" : "lost");
      out.Raw(s == 0 ? R"({"id":")" : R"(,{"id":")").Raw(shape.stage_ids[s]);
      out.Raw(R"(","name":)").String(pipeline.stages[s]);
      out.Raw(R"(,"semantic":")").Raw(semantic).Raw(R"("})");
    }
    out.Raw("]}");
    out.EndLine();
  }
}

}  // namespace voronka::demo
