#include "metrics/scan.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "engine/deal_state.h"
#include "metrics/filter.h"

namespace voronka {

namespace {

size_t Row(int32_t id) {
  return static_cast<size_t>(id);
}

void AppendKeyText(std::string& key, std::string_view text) {
  key += std::to_string(text.size());
  key += ':';
  key += text;
}

template <typename Number>
void AppendKeyNumber(std::string& key, Number number) {
  key.append(reinterpret_cast<const char*>(&number), sizeof number);
}

// What the pass bitmaps of a request depend on, as a cache key: every filter, the caller's
// visibility, whether leads are left out and per-stage (a pipeline filter then picks the
// funnel instead), and the state the bitmaps read (kNoTime: the latest).
std::string PassKey(const ReportRequest& request, const Visibility& visibility, bool deals_only,
                    bool per_stage, int64_t state_at) {
  std::string key = "pass";
  AppendKeyNumber(key, state_at);
  key += deals_only ? 'd' : 'a';
  key += per_stage ? 's' : 'n';
  key += visibility.all ? 'v' : 'r';
  for (const std::string& user : visibility.user_ids) AppendKeyText(key, user);
  for (const Filter& filter : request.filters) {
    key += '|';
    AppendKeyText(key, filter.on.name);
    AppendKeyNumber(key, filter.on.dimension);
    AppendKeyNumber(key, filter.on.field);
    AppendKeyNumber(key, filter.op);
    for (const std::string& value : filter.values) AppendKeyText(key, value);
    key += filter.empty ? 'e' : 'f';
    for (const std::optional<Decimal>& bound : {filter.min, filter.max}) {
      key += bound ? 'b' : '-';
      if (bound) AppendKeyNumber(key, *bound);
    }
    for (const std::optional<LocalDate>& bound : {filter.from, filter.to}) {
      key += bound ? 'b' : '-';
      if (bound) AppendKeyNumber(key, bound->days);
    }
    AppendKeyText(key, filter.contains);
  }
  return key;
}

}  // namespace

Result<ScanContext> ScanContext::Make(const Tables& t, const ReportRequest& request,
                                      const Visibility& visibility) {
  ScanContext c;
  c.tables = &t;
  c.request = &request;
  c.metric = request.metric;
  c.as_of = request.as_of.micros;
  c.horizon = c.as_of + 1;
  bool per_stage = c.metric->stage_rows != StageRows::kNone;

  const DealTable& deals = t.deals;
  if (deals.latest_change_at < c.horizon) {
    c.state.Borrow(deals.latest, deals.latest_outcome);
  } else {
    // T in the past: deals that changed since T are rebuilt from their history.
    c.Scanned(deals.size(), 17 + sizeof(DealMoment) * 2);
    c.state.Own(Row(deals.size()), [&](size_t row) {
      bool latest_holds = deals.defined[row] && deals.created_at[row] < c.horizon &&
                          deals.last_change_at[row] < c.horizon;
      return latest_holds ? deals.latest[row]
                          : DealStateBefore(t, static_cast<int32_t>(row), c.horizon);
    });
  }

  DimensionFilter responsible, department;
  std::vector<const Filter*> deal_filters;  // deal attributes, applied to the pass bitmap
  std::vector<std::string> pipeline_ids;
  for (const Filter& filter : request.filters) {
    switch (filter.on.dimension) {
      case Dimension::kResponsible:
        responsible = MakeFilter(t, filter);
        break;
      case Dimension::kDepartment:
        department = MakeFilter(t, filter);
        break;
      case Dimension::kKind:
        c.kind_filter = MakeFilter(t, filter);
        break;
      case Dimension::kDirection:
        c.direction_filter = MakeFilter(t, filter);
        break;
      case Dimension::kPipeline:
        if (per_stage) {
          // Chooses the pipeline; deals are taken wherever they are now.
          if (filter.op != FilterOp::kIn) {
            return Status::Error("filters.pipeline: " + std::string(c.metric->name) +
                                 " takes one pipeline, as a list or {\"in\": [id]}");
          }
          pipeline_ids = filter.values;
          break;
        }
        deal_filters.push_back(&filter);
        break;
      default:
        deal_filters.push_back(&filter);
        break;
    }
  }

  if (per_stage) {
    if (pipeline_ids.size() > 1) {
      return Status::Error("filters.pipeline: " + std::string(c.metric->name) +
                           " takes one pipeline");
    }
    c.pipeline = pipeline_ids.empty() ? DefaultPipeline(t) : t.pipelines.ids.Find(pipeline_ids[0]);
    if (c.pipeline == kNone) {
      return Status::Error(pipeline_ids.empty() ? "no pipeline is defined"
                                                : "pipeline '" + pipeline_ids[0] + "' is unknown");
    }
    const std::vector<int32_t>& stages = t.pipelines.stages[Row(c.pipeline)];
    int32_t open_count = t.pipelines.open_stage_count[Row(c.pipeline)];
    auto add_rows = [&](StageSemantic semantic) {
      for (int32_t s : stages) {
        if (t.stages.semantic[Row(s)] == semantic) c.row_stage.push_back(s);
      }
    };
    add_rows(StageSemantic::kOpen);
    if (c.metric->stage_rows == StageRows::kOpenThenWon) add_rows(StageSemantic::kWon);
    if (c.metric->stage_rows == StageRows::kPositions) {
      // Row j-1 is the boundary between positions j-1 and j, labelled by the stage at j.
      c.row_stage.erase(c.row_stage.begin());
      for (int32_t s : stages) {
        if (t.stages.semantic[Row(s)] == StageSemantic::kWon) {
          if (open_count > 0) c.row_stage.push_back(s);
          break;
        }
      }
    }
    c.stage_row.assign(Row(t.stages.ids.size()), kNone);
    for (size_t r = 0; r < c.row_stage.size(); ++r) {
      if (c.metric->stage_rows != StageRows::kPositions) {
        c.stage_row[Row(c.row_stage[r])] = static_cast<int32_t>(r);
      }
    }
  }

  c.user_filtered = responsible.active || department.active;
  c.user_pass.assign(Row(t.users.ids.size()), 1);
  for (int32_t u = 0; u < t.users.ids.size(); ++u) {
    c.user_pass[Row(u)] = responsible.Accepts(u) && department.Accepts(t.users.department[Row(u)]);
  }
  c.all_visible = visibility.all;
  c.user_visible.assign(Row(t.users.ids.size()), visibility.all ? 1 : 0);
  for (const std::string& id : visibility.user_ids) {
    int32_t u = t.users.ids.Find(id);
    if (u != kNone) c.user_visible[Row(u)] = 1;
  }

  c.deal_attr_filtered = !deal_filters.empty();
  c.deals_only = !request.entity_chosen && !per_stage;
  c.none_user_passes = (!responsible.active || responsible.accepts_none) &&
                       (!department.active || department.accepts_none);
  if (!c.deal_attr_filtered && !c.user_filtered && c.all_visible) return c;  // DealPasses reads
  c.pass_bitmap = true;
  std::string key = PassKey(request, visibility, c.deals_only, per_stage,
                            c.state.borrowed() ? kNoTime : c.horizon);
  std::shared_ptr<const PassBitmaps> cached = FindCached<PassBitmaps>(t.cache, key);
  if (cached == nullptr) {
    auto built = std::make_shared<PassBitmaps>();
    built->attrs.assign(Row(deals.size()), 1);
    for (const Filter* filter : deal_filters) ApplyDealFilter(c, *filter, built->attrs);
    built->pass.assign(Row(deals.size()), 0);
    bool deals_only = c.deals_only;
    bool read_owner = c.user_filtered || !c.all_visible;
    c.Scanned(deals.size(), read_owner ? 6 : 2);
    for (int32_t d = 0; d < deals.size(); ++d) {
      size_t row = Row(d);
      if (!built->attrs[row] || c.state.outcome(row) == Outcome::kNotCreated) continue;
      if (deals_only && deals.entity[row] != Entity::kDeal) continue;
      if (read_owner && !c.OwnerPasses(deals.responsible.value[row])) continue;
      built->pass[row] = 1;
    }
    t.cache.Put(std::move(key), built);
    cached = std::move(built);
  }
  c.deal_attrs = cached->attrs.data();
  c.deal_pass = cached->pass.data();
  c.bitmaps = std::move(cached);
  return c;
}

bool RollupHolds(const ScanContext& c, const Collector& out) {
  const Tables& t = *c.tables;
  const DealRollup& rollup = t.deals.rollup;
  if (out.listing() || !rollup.live() || rollup.zone_name() != t.settings.time_zone.name() ||
      !c.state.borrowed() || !c.deals_only || c.deal_attr_filtered) {
    return false;
  }
  for (const DimensionRef& key : c.request->group_by) {
    if (key.dimension != Dimension::kResponsible && key.dimension != Dimension::kDepartment) {
      return false;
    }
  }
  return true;
}

std::vector<uint8_t> RollupSlotsPassing(const ScanContext& c) {
  const Tables& t = *c.tables;
  std::vector<uint8_t> passing(Row(t.deals.rollup.slots()), 0);
  for (int32_t slot = 0; slot < t.deals.rollup.slots() && slot <= t.users.ids.size(); ++slot) {
    passing[Row(slot)] = c.OwnerPasses(slot - 1);
  }
  return passing;
}

bool ScanContext::OwnerPasses(int32_t owner) const {
  if (owner == kNone) return none_user_passes && all_visible;
  return user_pass[Row(owner)] != 0 && (all_visible || user_visible[Row(owner)] != 0);
}

bool MidnightDay(const Tables& t, int64_t instant, int64_t& day) {
  const TimeZone& zone = t.settings.time_zone;
  LocalDate date = zone.DateOf(Instant{instant});
  day = date.days;
  return zone.StartOf(date).micros == instant;
}

bool ScanContext::DealVisible(int32_t deal) const {
  if (all_visible) return true;
  int32_t owner = tables->deals.responsible.value[Row(deal)];
  return owner != kNone && user_visible[Row(owner)];
}

bool ScanContext::UserThingPasses(int32_t user, int32_t deal) const {
  if (user_filtered && (user == kNone || !user_pass[Row(user)])) return false;
  if (deal_attr_filtered && (deal == kNone || !deal_attrs[Row(deal)])) return false;
  if (!all_visible) {
    bool own = user != kNone && user_visible[Row(user)];
    if (!own && (deal == kNone || !DealVisible(deal))) return false;
  }
  return true;
}

bool ScanContext::ActivityPasses(int32_t activity) const {
  const ActivityTable& a = tables->activities;
  size_t row = Row(activity);
  return kind_filter.Accepts(static_cast<int32_t>(a.kind[row])) &&
         direction_filter.Accepts(static_cast<int32_t>(a.direction[row])) &&
         UserThingPasses(a.user[row], a.deal[row]);
}

bool ScanContext::TaskPasses(int32_t task) const {
  const TaskTable& tasks = tables->tasks;
  size_t row = Row(task);
  return tasks.defined[row] && UserThingPasses(tasks.user.value[row], tasks.deal[row]);
}

int32_t ScanContext::Position(int32_t stage) const {
  if (stage == kNone || tables->stages.pipeline[Row(stage)] != pipeline) return kNone;
  return tables->stages.position[Row(stage)];
}

void ResolveDimension(const ScanContext& c, const DimensionRef& dimension, const Item& item,
                      std::vector<int32_t>& out) {
  const Tables& t = *c.tables;
  out.clear();
  int32_t deal = item.deal;
  size_t row = Row(deal);
  switch (dimension.dimension) {
    case Dimension::kResponsible:
      out.push_back(item.user);
      return;
    case Dimension::kDepartment:
      out.push_back(item.user == kNone ? kNone : t.users.department[Row(item.user)]);
      return;
    case Dimension::kKind:
    case Dimension::kDirection:
      if (item.kind != ItemKind::kActivity) {
        out.push_back(kNone);
      } else if (dimension.dimension == Dimension::kKind) {
        out.push_back(static_cast<int32_t>(t.activities.kind[Row(item.row)]));
      } else {
        out.push_back(static_cast<int32_t>(t.activities.direction[Row(item.row)]));
      }
      return;
    default:
      break;
  }
  if (deal == kNone) {
    out.push_back(kNone);
    return;
  }
  switch (dimension.dimension) {
    case Dimension::kPipeline: {
      int32_t stage = c.state[row].stage;
      out.push_back(stage == kNone ? kNone : t.stages.pipeline[Row(stage)]);
      return;
    }
    case Dimension::kStage:
      out.push_back(c.state[row].stage);
      return;
    case Dimension::kSource:
      out.push_back(t.deals.source.value[row]);
      return;
    case Dimension::kDealType:
      out.push_back(t.deals.deal_type.value[row]);
      return;
    case Dimension::kCompany:
      out.push_back(t.deals.company.value[row]);
      return;
    case Dimension::kLossReason:
      out.push_back(t.deals.loss_reason.value[row]);
      return;
    case Dimension::kEntity:
      out.push_back(static_cast<int32_t>(t.deals.entity[row]));
      return;
    case Dimension::kField: {
      int32_t value = dimension.field == kNone || Row(dimension.field) >= t.deals.field_value.size()
                          ? kNone
                          : t.deals.field_value[Row(dimension.field)][row];
      if (!IsValueList(value)) {
        out.push_back(value);
        return;
      }
      out.clear();
      ForEachFieldValue(t, value, [&](int32_t id) { out.push_back(id); });
      if (out.empty()) out.push_back(kNone);
      return;
    }
    default:
      out.push_back(kNone);
      return;
  }
}

std::string DimensionValueText(const Tables& t, const DimensionRef& dimension, int32_t id) {
  if (id == kNone) return "";
  switch (dimension.dimension) {
    case Dimension::kResponsible:
      return std::string(t.users.ids.Text(id));
    case Dimension::kDepartment:
      return std::string(t.departments.ids.Text(id));
    case Dimension::kPipeline:
      return std::string(t.pipelines.ids.Text(id));
    case Dimension::kStage:
      return std::string(t.stages.ids.Text(id));
    case Dimension::kCompany:
      return std::string(t.companies.ids.Text(id));
    case Dimension::kSource:
    case Dimension::kDealType:
    case Dimension::kLossReason:
    case Dimension::kField:
      return std::string(t.values.Text(id));
    case Dimension::kEntity:
      return EntityName(static_cast<Entity>(id));
    case Dimension::kKind:
      return ActivityKindName(static_cast<ActivityKind>(id));
    case Dimension::kDirection:
      return DirectionName(static_cast<Direction>(id));
    case Dimension::kAmount:
    case Dimension::kTitle:
    case Dimension::kCreatedAt:
    case Dimension::kClosedAt:
      return "";
  }
  return "";
}

std::string DimensionValueLabel(const Tables& t, const DimensionRef& dimension, int32_t id) {
  if (id == kNone) return "";
  switch (dimension.dimension) {
    case Dimension::kResponsible:
      return t.users.name[Row(id)];
    case Dimension::kDepartment:
      return t.departments.name[Row(id)];
    case Dimension::kPipeline:
      return t.pipelines.name[Row(id)];
    case Dimension::kStage:
      return t.stages.name[Row(id)];
    case Dimension::kCompany:
      return t.companies.name[Row(id)];
    default:
      return DimensionValueText(t, dimension, id);
  }
}

int32_t DimensionValueId(const Tables& t, const DimensionRef& dimension, const std::string& text) {
  if (text.empty()) return kNone;
  int32_t id = kNone;
  switch (dimension.dimension) {
    case Dimension::kResponsible:
      id = t.users.ids.Find(text);
      break;
    case Dimension::kDepartment:
      id = t.departments.ids.Find(text);
      break;
    case Dimension::kPipeline:
      id = t.pipelines.ids.Find(text);
      break;
    case Dimension::kStage:
      id = t.stages.ids.Find(text);
      break;
    case Dimension::kCompany:
      id = t.companies.ids.Find(text);
      break;
    case Dimension::kSource:
    case Dimension::kDealType:
    case Dimension::kLossReason:
    case Dimension::kField:
      id = t.values.Find(text);
      break;
    case Dimension::kEntity: {
      auto parsed = ParseEntity(text);
      id = parsed ? static_cast<int32_t>(*parsed) : kNone;
      break;
    }
    case Dimension::kKind: {
      auto parsed = ParseActivityKind(text);
      id = parsed ? static_cast<int32_t>(*parsed) : kNone;
      break;
    }
    case Dimension::kDirection: {
      auto parsed = ParseDirection(text);
      id = parsed ? static_cast<int32_t>(*parsed) : kNone;
      break;
    }
    case Dimension::kAmount:
    case Dimension::kTitle:
    case Dimension::kCreatedAt:
    case Dimension::kClosedAt:
      break;
  }
  return id == kNone ? kUnknownValue : id;
}

Collector::Collector(const ScanContext& context)
    : context_(&context), keep_samples_(context.metric->kind == ValueKind::kMinutesMean) {
  PlanDenseIndex();
}

void Collector::PlanDenseIndex() {
  constexpr int64_t kMaxDenseSlots = int64_t{1} << 18;  // 1 MB of row numbers at most
  const auto& group_by = context_->request->group_by;
  dense_space_.fill(1);
  // Slot 0 of every key is kNone, id i is slot i + 1.
  dense_space_[0] = static_cast<int64_t>(context_->row_stage.size()) + 1;
  int64_t slots = dense_space_[0];
  for (size_t k = 0; k < group_by.size(); ++k) {
    dense_space_[k + 1] = int64_t{IdSpace(*context_->tables, group_by[k].dimension)} + 1;
    slots *= dense_space_[k + 1];
    if (slots > kMaxDenseSlots) return;
  }
  dense_ = true;
  dense_rows_.assign(static_cast<size_t>(slots), kNone);
}

const std::vector<Cell>* Collector::Find(const GroupKey& key) const {
  if (dense_) {
    int64_t slot = 0;
    for (size_t k = 0; k < key.size(); ++k) {
      int64_t id = int64_t{key[k]} + 1;
      if (id < 0 || id >= dense_space_[k]) return nullptr;
      slot = slot * dense_space_[k] + id;
    }
    int32_t row = dense_rows_[static_cast<size_t>(slot)];
    return row == kNone ? nullptr : &rows_[static_cast<size_t>(row)].cells;
  }
  auto found = hashed_rows_.find(key);
  return found == hashed_rows_.end() ? nullptr : &rows_[static_cast<size_t>(found->second)].cells;
}

int32_t Collector::RowIndex(const GroupKey& key) {
  int32_t* slot_row = nullptr;
  if (dense_) {
    int64_t slot = 0;
    for (size_t k = 0; k < key.size(); ++k) {
      int64_t id = int64_t{key[k]} + 1;
      if (id < 0 || id >= dense_space_[k]) {
        slot = -1;
        break;
      }
      slot = slot * dense_space_[k] + id;
    }
    if (slot >= 0) slot_row = &dense_rows_[static_cast<size_t>(slot)];
  }
  if (slot_row == nullptr) {
    // Out of the planned id spaces (cannot happen while the tables are unchanged) or sparse.
    dense_ = false;
    if (hashed_rows_.empty()) {
      for (size_t r = 0; r < rows_.size(); ++r) {
        hashed_rows_.emplace(rows_[r].key, static_cast<int32_t>(r));
      }
    }
    auto [found, added] = hashed_rows_.emplace(key, static_cast<int32_t>(rows_.size()));
    if (!added) return found->second;
    slot_row = &found->second;
  } else if (*slot_row != kNone) {
    return *slot_row;
  }
  *slot_row = static_cast<int32_t>(rows_.size());
  rows_.push_back(
      GroupRow{key, std::vector<Cell>(static_cast<size_t>(context_->buckets->count()))});
  return *slot_row;
}

Collector::Collector(const ScanContext& context, const GroupKey& key_targets, int32_t bucket,
                     bool total, std::function<void(const Item&)> list)
    : context_(&context),
      listing_(true),
      listing_total_(total),
      targets_(key_targets),
      target_bucket_(bucket),
      list_(std::move(list)) {}

void Collector::ResolveKeys(const Item& item) {
  const auto& group_by = context_->request->group_by;
  for (size_t k = 0; k < group_by.size(); ++k) {
    ResolveDimension(*context_, group_by[k], item, resolved_[k]);
  }
}

void Collector::Add(const Item& item, int32_t stage_row, int32_t bucket, const Contribution& value,
                    Target target) {
  if (bucket < 0) return;
  if (listing_) {
    bool wanted;
    if (listing_total_) {
      wanted = target != Target::kRowOnly;
    } else {
      wanted = target != Target::kTotalOnly && (target_bucket_ < 0 || bucket == target_bucket_) &&
               (targets_[0] == kAny || targets_[0] == stage_row);
      if (wanted) {
        ResolveKeys(item);
        for (size_t k = 0; k < context_->request->group_by.size() && wanted; ++k) {
          if (targets_[k + 1] == kAny) continue;
          const auto& values = resolved_[k];
          wanted = std::find(values.begin(), values.end(), targets_[k + 1]) != values.end();
        }
      }
    }
    if (wanted) list_(item);
    return;
  }
  if (target != Target::kRowOnly) {
    total_.a += value.a;
    total_.b += value.b;
    total_.x += value.x;
    if (keep_samples_) total_.samples.push_back(value.x);
  }
  if (target == Target::kTotalOnly) return;
  const auto& group_by = context_->request->group_by;
  GroupKey key;
  key.fill(kNone);
  key[0] = stage_row;
  if (group_by.empty()) {
    AddToRows(key, bucket, value);
    return;
  }
  ResolveKeys(item);
  // Every combination of the keys' values: a multi-list field counts in each of its values.
  std::array<size_t, 4> index{};
  while (true) {
    for (size_t k = 0; k < group_by.size(); ++k) key[k + 1] = resolved_[k][index[k]];
    AddToRows(key, bucket, value);
    size_t k = 0;
    while (k < group_by.size() && ++index[k] == resolved_[k].size()) index[k++] = 0;
    if (k == group_by.size()) break;
  }
}

void Collector::AddRange(const Item& item, int32_t first, int32_t last, const Contribution& value,
                         int32_t total_bucket) {
  if (listing_ || keep_samples_ || value.x != 0) {
    for (int32_t b = first; b <= last; ++b) {
      Add(item, kNone, b, value, b == total_bucket ? Target::kRowAndTotal : Target::kRowOnly);
    }
    return;
  }
  if (first <= total_bucket && total_bucket <= last) {
    total_.a += value.a;
    total_.b += value.b;
  }
  const auto& group_by = context_->request->group_by;
  GroupKey key;
  key.fill(kNone);
  auto add = [&] {
    std::vector<Cell>& cells = rows_[static_cast<size_t>(RowIndex(key))].cells;
    for (int32_t b = first; b <= last; ++b) {
      cells[static_cast<size_t>(b)].a += value.a;
      cells[static_cast<size_t>(b)].b += value.b;
    }
  };
  if (group_by.empty()) {
    add();
    return;
  }
  ResolveKeys(item);
  std::array<size_t, 4> index{};
  while (true) {
    for (size_t k = 0; k < group_by.size(); ++k) key[k + 1] = resolved_[k][index[k]];
    add();
    size_t k = 0;
    while (k < group_by.size() && ++index[k] == resolved_[k].size()) index[k++] = 0;
    if (k == group_by.size()) break;
  }
}

void Collector::AddToRows(const GroupKey& key, int32_t bucket, const Contribution& value) {
  Cell& cell = rows_[static_cast<size_t>(RowIndex(key))].cells[static_cast<size_t>(bucket)];
  cell.a += value.a;
  cell.b += value.b;
  cell.x += value.x;
  if (keep_samples_) cell.samples.push_back(value.x);
}

}  // namespace voronka
