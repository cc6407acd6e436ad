// Applying canonical records to the columnar tables. Every record is an upsert keyed by its id;
// attribute values follow "the latest `at` wins" through VersionedColumn keys, and the stage
// history of a deal is kept sorted, so the result does not depend on arrival order.
#include <algorithm>
#include <limits>
#include <type_traits>
#include <utility>

#include "engine/deal_state.h"
#include "engine/engine.h"
#include "engine/rollup_change.h"

namespace voronka {

namespace {

size_t Row(int32_t id) {
  return static_cast<size_t>(id);
}

// Writes `value` unless the cell holds it already, so that the cell's segment stays shared
// (a column's fill segment, Column::resize; or a segment of the published version) instead of
// being copied.
template <typename T, int kShift>
void StoreValue(Column<T, kShift>& column, size_t row, T value) {
  if (!(std::as_const(column)[row] == value)) column[row] = value;
}

int32_t EnsureUser(Tables& t, std::string_view id) {
  int32_t row = t.users.ids.Intern(id);
  if (Row(row) >= t.users.name.size()) {
    t.users.name.emplace_back(id);
    t.users.department.push_back(kNone);
    t.users.active.push_back(1);
    t.users.capacity.push_back(kNone);
  }
  return row;
}

int32_t EnsureDepartment(Tables& t, std::string_view id) {
  int32_t row = t.departments.ids.Intern(id);
  if (Row(row) >= t.departments.name.size()) {
    t.departments.name.emplace_back(id);
    t.departments.parent.push_back(kNone);
    t.departments.head.push_back(kNone);
  }
  return row;
}

int32_t EnsureStage(Tables& t, std::string_view id) {
  int32_t row = t.stages.ids.Intern(id);
  if (Row(row) >= t.stages.name.size()) {
    t.stages.name.emplace_back(id);
    t.stages.pipeline.push_back(kNone);
    t.stages.semantic.push_back(StageSemantic::kOpen);
    t.stages.position.push_back(kNone);
  }
  return row;
}

int32_t EnsureNamed(NamedTable& table, std::string_view id) {
  int32_t row = table.ids.Intern(id);
  if (Row(row) >= table.name.size()) table.name.emplace_back(id);
  return row;
}

int32_t EnsureCompany(Tables& t, std::string_view id) {
  return EnsureNamed(t.companies, id);
}

int32_t EnsureContact(Tables& t, std::string_view id) {
  int32_t row = EnsureNamed(t.contacts, id);
  if (Row(row) >= t.contact_company.size()) t.contact_company.push_back(kNone);
  return row;
}

int32_t EnsureDeal(Tables& t, std::string_view id) {
  DealTable& d = t.deals;
  int32_t row = d.ids.Intern(id);
  size_t rows = Row(row) + 1;
  if (rows > d.defined.size()) {
    d.defined.resize(rows, 0);
    d.entity.resize(rows, Entity::kDeal);
    d.created_at.resize(rows, 0);
    d.title.Grow(rows, kNone);
    d.amount.Grow(rows, 0);
    for (auto* column : {&d.responsible, &d.company, &d.contact, &d.source, &d.deal_type,
                         &d.loss_reason, &d.converted_to}) {
      column->Grow(rows, kNone);
    }
    for (LiveColumn<int32_t>& column : d.field_value) column.resize(rows, kNone);
    for (LiveColumn<int64_t>& column : d.field_key) column.resize(rows, kNoTime);
    d.update_times.resize(rows);
    d.history.resize(rows);
    d.latest.resize(rows);
    d.latest_outcome.resize(rows, Outcome::kNotCreated);
    d.open_until.resize(rows, kReopens);
    d.last_change_at.resize(rows, kNoTime);
    d.last_touch.resize(rows, kNoTime);
    d.touch_stale.resize(rows, 0);
    d.first_touch.resize(rows, kNoTime);
    d.touch_gaps.resize(rows);
  }
  return row;
}

// Records a touch of `deal` at `at`: the latest and earliest touch, and the long gaps between
// consecutive touches (DealTable::touch_gaps). A touch after the latest or before the earliest
// opens a gap to it; one inside a long gap splits it; one inside a short gap (or at an instant
// already touched) changes no long gap.
void Touch(Tables& t, int32_t deal, int64_t at) {
  if (deal == kNone || at == kNoTime) return;
  DealTable& d = t.deals;
  size_t row = Row(deal);
  int64_t last = std::as_const(d.last_touch)[row];
  int64_t first = std::as_const(d.first_touch)[row];
  if (last == kNoTime) {
    d.last_touch[row] = at;
    d.first_touch[row] = at;
    return;
  }
  if (at > last) {
    d.last_touch[row] = at;
    if (at - last >= kTouchGap) d.touch_gaps.Edit(row).push_back({last, at});
    return;
  }
  if (at < first) {
    d.first_touch[row] = at;
    if (first - at >= kTouchGap) {
      ListEdit<TouchGap> gaps = d.touch_gaps.Edit(row);
      gaps.insert(gaps.begin(), {at, first});
    }
    return;
  }
  const PackedList<TouchGap>& gaps = std::as_const(d.touch_gaps)[row];
  auto inside = std::upper_bound(gaps.begin(), gaps.end(), at,
                                 [](int64_t time, const TouchGap& gap) { return time < gap.to; });
  if (inside == gaps.end() || inside->from >= at) return;
  size_t index = static_cast<size_t>(inside - gaps.begin());
  TouchGap split = *inside;
  ListEdit<TouchGap> changed = d.touch_gaps.Edit(row);
  changed.erase(changed.begin() + static_cast<std::ptrdiff_t>(index));
  if (split.to - at >= kTouchGap) {
    changed.insert(changed.begin() + static_cast<std::ptrdiff_t>(index), {at, split.to});
  }
  if (at - split.from >= kTouchGap) {
    changed.insert(changed.begin() + static_cast<std::ptrdiff_t>(index), {split.from, at});
  }
}

// A touch of `deal` may have been withdrawn: its last-touch maximum is no longer trusted.
void WithdrawTouch(Tables& t, int32_t deal) {
  if (deal != kNone) t.deals.touch_stale[Row(deal)] = 1;
}

int32_t EnsureTask(Tables& t, std::string_view id) {
  TaskTable& tasks = t.tasks;
  int32_t row = tasks.ids.Intern(id);
  size_t rows = Row(row) + 1;
  if (rows > tasks.defined.size()) {
    tasks.defined.resize(rows, 0);
    tasks.deal.resize(rows, kNone);
    tasks.title.resize(rows, kNone);
    tasks.created_at.resize(rows, 0);
    tasks.user.Grow(rows, kNone);
    tasks.deadline.Grow(rows, kNoTime);
    tasks.completed_at.Grow(rows, kNoTime);
  }
  return row;
}

// The id of a deal or task title, its lowercased text interned with it.
int32_t InternTitle(Tables& t, std::string_view text) {
  int32_t id = t.titles.Intern(text);
  if (Row(id) >= t.title_lower.size()) {
    t.title_lower.push_back(t.lower_titles.Intern(LowercaseText(text)));
  }
  return id;
}

int32_t OptionalUser(Tables& t, const std::optional<std::string>& id) {
  return id.has_value() ? EnsureUser(t, *id) : kNone;
}
int32_t OptionalValue(Tables& t, const std::optional<std::string>& text) {
  return text.has_value() ? t.values.Intern(*text) : kNone;
}
int32_t OptionalCompany(Tables& t, const std::optional<std::string>& id) {
  return id.has_value() ? EnsureCompany(t, *id) : kNone;
}
int32_t OptionalContact(Tables& t, const std::optional<std::string>& id) {
  return id.has_value() ? EnsureContact(t, *id) : kNone;
}

// The value ids a custom field contributes to group keys and filters: one per list item,
// the text as written for strings and numbers, "true"/"false" for booleans, none for null.
std::vector<int32_t> FieldValueIds(Tables& t, const FieldValue& value) {
  std::vector<int32_t> ids;
  switch (value.kind) {
    case FieldValue::Kind::kNull:
      break;
    case FieldValue::Kind::kString:
    case FieldValue::Kind::kNumber:
      ids.push_back(t.values.Intern(value.text));
      break;
    case FieldValue::Kind::kBool:
      ids.push_back(t.values.Intern(value.boolean ? "true" : "false"));
      break;
    case FieldValue::Kind::kList:
      for (const std::string& item : value.items) ids.push_back(t.values.Intern(item));
      break;
  }
  return ids;
}

// A custom field's value as its cell in DealTable::field_value: kNone, a value id, or the code
// of the interned list of several.
int32_t FieldCell(Tables& t, const FieldValue& value) {
  std::vector<int32_t> ids = FieldValueIds(t, value);
  if (ids.empty()) return kNone;
  if (ids.size() == 1) return ids[0];
  std::string_view bytes(reinterpret_cast<const char*>(ids.data()), ids.size() * sizeof(int32_t));
  return ValueListCode(t.value_lists.Intern(bytes));
}

void SetFields(Tables& t, int32_t deal, const std::vector<CustomField>& fields, int64_t key) {
  DealTable& d = t.deals;
  size_t row = Row(deal);
  for (const CustomField& field : fields) {
    size_t name = Row(t.field_names.Intern(field.name));
    while (d.field_value.size() <= name) {
      d.field_value.emplace_back().resize(d.defined.size(), kNone);
      d.field_key.emplace_back().resize(d.defined.size(), kNoTime);
    }
    if (key < std::as_const(d.field_key[name])[row]) continue;
    d.field_key[name][row] = key;
    StoreValue(d.field_value[name], row, FieldCell(t, field.value));
  }
}

// The instant the deal stops being open (DealTable::open_until): its first entry into a won or
// lost stage or a lead's conversion, whichever is first; kReopens when an open stage follows a
// won or lost one.
int64_t OpenUntil(const Tables& t, int32_t deal) {
  size_t row = Row(deal);
  if (!t.deals.defined[row]) return kReopens;
  int64_t until = kOpenForever;
  for (const StageEntry& entry : t.deals.history[row]) {
    bool closed =
        entry.stage != kNone && t.stages.semantic[Row(entry.stage)] != StageSemantic::kOpen;
    if (closed && until == kOpenForever) until = entry.at;
    if (!closed && until != kOpenForever) return kReopens;
  }
  if (t.deals.entity[row] == Entity::kLead && t.deals.converted_to.value[row] != kNone) {
    until = std::min(until, t.deals.converted_to.key[row] >> 1);  // keys are 2t or 2t+1
  }
  return until;
}

int32_t PipelineOf(const Tables& t, int32_t stage) {
  return stage == kNone ? kNone : t.stages.pipeline[Row(stage)];
}

void CountPipelineDeal(Tables& t, int32_t stage, int64_t delta) {
  int32_t pipeline = PipelineOf(t, stage);
  if (pipeline == kNone) return;
  std::vector<int64_t>& counts = t.deals.pipeline_deals;
  if (Row(pipeline) >= counts.size()) counts.resize(Row(pipeline) + 1, 0);
  counts[Row(pipeline)] += delta;
}

// Counts every deal's latest stage per pipeline again (stages moved between pipelines).
void RecountPipelineDeals(Tables& t) {
  t.deals.pipeline_deals.assign(Row(t.pipelines.ids.size()), 0);
  for (const DealMoment& moment : t.deals.latest) CountPipelineDeal(t, moment.stage, 1);
}

void RefreshDerived(Tables& t, int32_t deal) {
  size_t row = Row(deal);
  // Read through a const reference: a non-const read of a column is a write (Column), which
  // would copy the row's segment of every column read here for a batch's first change of it.
  const DealTable& read = t.deals;
  DealMoment old = read.latest[row];
  DealMoment now = DealStateLatest(t, deal);
  // Written only when changed: a write copies the segment the published version holds.
  StoreValue(t.deals.latest, row, now);
  StoreValue(t.deals.latest_outcome, row, now.outcome);
  StoreValue(t.deals.open_until, row, OpenUntil(t, deal));
  t.deals.close_index.Move(deal, old.close, now.close);
  if (old.stage != now.stage) {
    CountPipelineDeal(t, old.stage, -1);
    CountPipelineDeal(t, now.stage, 1);
  }
  const PackedList<StageEntry>& history = read.history[row];
  int64_t last = history.empty() ? kNoTime : history.back().at;
  if (read.converted_to.value[row] != kNone) {
    last = std::max(last, read.converted_to.key[row] >> 1);
  }
  StoreValue(t.deals.last_change_at, row, last);
  int64_t changed = read.defined[row] ? std::max(last, read.created_at[row]) : last;
  t.deals.latest_change_at = std::max(t.deals.latest_change_at, changed);
}

bool EntryBefore(const StageEntry& a, const StageEntry& b) {
  if (a.at != b.at) return a.at < b.at;
  if (a.creation != b.creation) return a.creation;
  return a.seq < b.seq;
}

void InsertEntry(ListEdit<StageEntry> history, const StageEntry& entry) {
  history.insert(std::upper_bound(history.begin(), history.end(), entry, EntryBefore), entry);
}

void ApplyWorkspace(Tables& t, const WorkspaceRecord& r) {
  WorkspaceSettings& s = t.settings;
  if (r.name) s.name = *r.name;
  if (r.time_zone) {
    Result<TimeZone> zone = TimeZone::Find(*r.time_zone);
    if (zone.ok()) {
      if (zone.value().name() != s.time_zone.name()) t.deals.rollup.MarkStale();  // other days
      s.time_zone = zone.value();
    }
  }
  if (r.currency) s.currency = *r.currency;
  if (r.locale) s.locale = *r.locale;
  if (r.deal_url) s.deal_url = *r.deal_url;
  if (r.forgotten_days) {
    if (*r.forgotten_days != s.forgotten_days) t.deals.rollup.MarkStale();  // other spans
    s.forgotten_days = *r.forgotten_days;
  }
}

void ApplyUser(Tables& t, const UserRecord& r) {
  size_t row = Row(EnsureUser(t, r.id));
  t.users.name[row] = r.name;
  t.users.department[row] = r.department_id ? EnsureDepartment(t, *r.department_id) : kNone;
  t.users.active[row] = r.active ? 1 : 0;
  t.users.capacity[row] = r.capacity.value_or(kNone);
}

void ApplyDepartment(Tables& t, const DepartmentRecord& r) {
  size_t row = Row(EnsureDepartment(t, r.id));
  t.departments.name[row] = r.name;
  t.departments.parent[row] = r.parent_id ? EnsureDepartment(t, *r.parent_id) : kNone;
  t.departments.head[row] = OptionalUser(t, r.head_id);
}

void ApplyPipeline(Tables& t, const PipelineRecord& r) {
  PipelineTable& p = t.pipelines;
  int32_t id = p.ids.Intern(r.id);
  if (Row(id) >= p.name.size()) {
    p.name.emplace_back();
    p.entity.push_back(Entity::kDeal);
    p.stages.emplace_back();
    p.open_stage_count.push_back(0);
  }
  for (int32_t old_stage : p.stages[Row(id)]) t.stages.pipeline[Row(old_stage)] = kNone;
  p.name[Row(id)] = r.name;
  p.entity[Row(id)] = r.entity;
  std::vector<int32_t> stages;
  int32_t open_count = 0;
  for (const StageDef& def : r.stages) {
    int32_t stage = EnsureStage(t, def.id);
    t.stages.name[Row(stage)] = def.name;
    t.stages.semantic[Row(stage)] = def.semantic;
    t.stages.pipeline[Row(stage)] = id;
    t.stages.position[Row(stage)] = def.semantic == StageSemantic::kOpen ? open_count++ : kNone;
    stages.push_back(stage);
  }
  for (int32_t stage : stages) {
    if (t.stages.semantic[Row(stage)] == StageSemantic::kWon) {
      t.stages.position[Row(stage)] = open_count;
    }
  }
  p.stages[Row(id)] = std::move(stages);
  p.open_stage_count[Row(id)] = open_count;
  // Semantics may have changed (a stage became won): every deal's derived state is refreshed,
  // and the rollup is built again from it at publish.
  t.deals.rollup.MarkStale();
  for (int32_t deal = 0; deal < t.deals.size(); ++deal) RefreshDerived(t, deal);
  RecountPipelineDeals(t);
}

void ApplyDeal(Tables& t, const DealRecord& r) {
  int32_t deal = EnsureDeal(t, r.id);
  WillChangeRollup(t, deal);
  size_t row = Row(deal);
  DealTable& d = t.deals;
  if (d.defined[row] && d.created_at[row] != r.created_at.micros) WithdrawTouch(t, deal);
  if (d.defined[row]) {
    d.created_index.Move(deal, d.created_at[row], r.created_at.micros);
  } else {
    d.created_index.Add(deal, r.created_at.micros);
  }
  d.defined[row] = 1;
  d.entity[row] = r.entity;
  d.created_at[row] = r.created_at.micros;
  Touch(t, deal, r.created_at.micros);
  int64_t key = BaseKey(r.created_at);
  d.title.Set(row, InternTitle(t, r.title), key);
  d.amount.Set(row, r.amount, key);
  d.responsible.Set(row, OptionalUser(t, r.responsible_id), key);
  d.company.Set(row, OptionalCompany(t, r.company_id), key);
  d.contact.Set(row, OptionalContact(t, r.contact_id), key);
  d.source.Set(row, OptionalValue(t, r.source), key);
  d.deal_type.Set(row, OptionalValue(t, r.deal_type), key);
  d.loss_reason.Set(row, OptionalValue(t, r.loss_reason), key);
  d.converted_to.Set(row, OptionalValue(t, r.converted_to), key);
  SetFields(t, deal, r.fields, key);
  ListEdit<StageEntry> history = d.history.Edit(row);
  history.erase_if([](const StageEntry& e) { return e.creation; });
  InsertEntry(history, StageEntry{r.created_at.micros, EnsureStage(t, r.stage_id), kNone,
                                  t.next_seq++, true});
  RefreshDerived(t, deal);
}

// Applies an optional<optional<string>> member of deal_update.set to a column.
template <typename Ensure>
void SetOptional(VersionedColumn<int32_t>& column, size_t row,
                 const std::optional<std::optional<std::string>>& member, int64_t key,
                 Ensure&& ensure) {
  if (!member.has_value()) return;
  column.Set(row, member->has_value() ? ensure(**member) : kNone, key);
}

void ApplyDealUpdate(Tables& t, const DealUpdateRecord& r) {
  int32_t deal = EnsureDeal(t, r.id);
  WillChangeRollup(t, deal);
  size_t row = Row(deal);
  DealTable& d = t.deals;
  int64_t key = UpdateKey(r.at);
  if (r.title) d.title.Set(row, InternTitle(t, *r.title), key);
  if (r.amount) d.amount.Set(row, *r.amount, key);
  auto user = [&](const std::string& id) { return EnsureUser(t, id); };
  auto value = [&](const std::string& text) { return t.values.Intern(text); };
  auto company = [&](const std::string& id) { return EnsureCompany(t, id); };
  auto contact = [&](const std::string& id) { return EnsureContact(t, id); };
  SetOptional(d.responsible, row, r.responsible_id, key, user);
  SetOptional(d.company, row, r.company_id, key, company);
  SetOptional(d.contact, row, r.contact_id, key, contact);
  SetOptional(d.source, row, r.source, key, value);
  SetOptional(d.deal_type, row, r.deal_type, key, value);
  SetOptional(d.loss_reason, row, r.loss_reason, key, value);
  SetOptional(d.converted_to, row, r.converted_to, key, value);
  SetFields(t, deal, r.fields, key);
  const PackedList<int64_t>& updates = std::as_const(d.update_times)[row];
  auto at = std::lower_bound(updates.begin(), updates.end(), r.at.micros);
  if (at == updates.end() || *at != r.at.micros) {
    size_t index = static_cast<size_t>(at - updates.begin());
    ListEdit<int64_t> edit = d.update_times.Edit(row);
    edit.insert(edit.begin() + index, r.at.micros);
  }
  if (r.converted_to.has_value()) RefreshDerived(t, deal);
}

void ApplyStageChange(Tables& t, const StageChangeRecord& r) {
  int32_t deal = EnsureDeal(t, r.deal_id);
  int32_t stage = EnsureStage(t, r.to);
  WillChangeRollup(t, deal);
  for (const StageEntry& e : std::as_const(t.deals.history)[Row(deal)]) {
    if (!e.creation && e.at == r.at.micros && e.stage == stage) return;  // a re-sent change
  }
  InsertEntry(t.deals.history.Edit(Row(deal)),
              StageEntry{r.at.micros, stage, OptionalUser(t, r.by), t.next_seq++, false});
  Touch(t, deal, r.at.micros);
  RefreshDerived(t, deal);
}

void ApplyActivity(Tables& t, const ActivityRecord& r) {
  ActivityTable& a = t.activities;
  int32_t id = a.ids.Intern(r.id);
  const bool filed = id < a.unfiled_from;  // else FileNewActivities files it later
  if (filed && Row(id) < a.kind.size()) {
    a.hourly.Add(std::as_const(a.user)[Row(id)], std::as_const(a.at)[Row(id)], -1);  // re-sent
  }
  if (Row(id) >= a.kind.size()) {
    if (filed) a.at_index.Add(id, r.at.micros);
    a.kind.push_back(r.kind);
    a.direction.push_back(r.direction);
    a.deal.push_back(kNone);
    a.user.push_back(kNone);
    a.at.push_back(r.at.micros);
    // Often empty for whole runs of activities (no contact or company named): these share
    // their columns' fill segments until a value arrives (StoreValue).
    a.contact.resize(Row(id) + 1, kNone);
    a.company.resize(Row(id) + 1, kNone);
    a.duration_s.resize(Row(id) + 1, 0);
    a.source.resize(Row(id) + 1, kNone);
    a.score.resize(Row(id) + 1, -1);
  }
  size_t row = Row(id);
  int32_t deal = r.deal_id ? EnsureDeal(t, *r.deal_id) : kNone;
  int32_t old_deal = std::as_const(a.deal)[row];
  WillChangeRollup(t, deal);  // the deal's touches, and the one it was on before
  if (old_deal != deal) WillChangeRollup(t, old_deal);
  if (a.deal[row] != kNone && (a.deal[row] != deal || a.at[row] != r.at.micros)) {
    WithdrawTouch(t, a.deal[row]);  // a re-sent activity moved in time or to another deal
  }
  Touch(t, deal, r.at.micros);
  if (filed) a.at_index.Move(id, a.at[row], r.at.micros);
  a.kind[row] = r.kind;
  a.direction[row] = r.direction;
  a.deal[row] = deal;
  StoreValue(a.contact, row, OptionalContact(t, r.contact_id));
  StoreValue(a.company, row, OptionalCompany(t, r.company_id));
  a.user[row] = OptionalUser(t, r.user_id);
  a.at[row] = r.at.micros;
  if (filed) a.hourly.Add(a.user[row], r.at.micros, 1);
  StoreValue(a.duration_s, row, r.duration_s.value_or(0));
  StoreValue(a.source, row, OptionalValue(t, r.source));
  StoreValue(a.score, row, static_cast<int8_t>(r.score.value_or(-1)));
}

void ApplyTask(Tables& t, const TaskRecord& r) {
  int32_t id = EnsureTask(t, r.id);
  size_t row = Row(id);
  TaskTable& tasks = t.tasks;
  int32_t deal = r.deal_id ? EnsureDeal(t, *r.deal_id) : kNone;
  int32_t old_deal = std::as_const(tasks.deal)[row];
  WillChangeRollup(t, deal);  // the deal's touches, and the one it was on before
  if (old_deal != deal) WillChangeRollup(t, old_deal);
  int64_t old_completed = tasks.completed_at.value[row];
  int64_t key = BaseKey(r.created_at);
  tasks.completed_at.Set(row, r.completed_at ? r.completed_at->micros : kNoTime, key);
  if (tasks.defined[row] &&
      (tasks.deal[row] != deal || tasks.created_at[row] != r.created_at.micros ||
       (old_completed != kNoTime && old_completed != tasks.completed_at.value[row]))) {
    WithdrawTouch(t, tasks.deal[row]);
  }
  if (tasks.defined[row]) {
    tasks.created_index.Move(id, tasks.created_at[row], r.created_at.micros);
    tasks.completed_index.Move(id, old_completed, tasks.completed_at.value[row]);
  } else {
    tasks.created_index.Add(id, r.created_at.micros);
    tasks.completed_index.Add(id, tasks.completed_at.value[row]);
  }
  tasks.defined[row] = 1;
  tasks.deal[row] = deal;
  tasks.title[row] = InternTitle(t, r.title.value_or(""));
  tasks.created_at[row] = r.created_at.micros;
  tasks.user.Set(row, OptionalUser(t, r.user_id), key);
  tasks.deadline.Set(row, r.deadline ? r.deadline->micros : kNoTime, key);
  Touch(t, deal, r.created_at.micros);
  Touch(t, deal, tasks.completed_at.value[row]);
}

void ApplyTaskUpdate(Tables& t, const TaskUpdateRecord& r) {
  int32_t id = EnsureTask(t, r.id);
  size_t row = Row(id);
  int64_t key = UpdateKey(r.at);
  auto time_of = [](const std::optional<Instant>& at) { return at ? at->micros : kNoTime; };
  const TaskTable& read = t.tasks;
  WillChangeRollup(t, read.defined[row] ? read.deal[row] : kNone);
  if (r.completed_at) {
    int64_t old_completed = t.tasks.completed_at.value[row];
    if (t.tasks.completed_at.Set(row, time_of(*r.completed_at), key) && t.tasks.defined[row]) {
      int64_t completed = t.tasks.completed_at.value[row];
      t.tasks.completed_index.Move(id, old_completed, completed);
      if (old_completed != kNoTime && old_completed != completed) {
        WithdrawTouch(t, t.tasks.deal[row]);
      }
      Touch(t, t.tasks.deal[row], completed);
    }
  }
  if (r.deadline) t.tasks.deadline.Set(row, time_of(*r.deadline), key);
  if (r.user_id) t.tasks.user.Set(row, OptionalUser(t, *r.user_id), key);
}

void ApplyGoal(Tables& t, const GoalRecord& r) {
  int32_t id = t.goal_ids.Intern(r.id);
  if (Row(id) >= t.goals.size()) t.goals.emplace_back();
  t.goals[Row(id)] = r;
}

void ApplyCompany(Tables& t, const CompanyRecord& r) {
  t.companies.name[Row(EnsureCompany(t, r.id))] = r.name;
}

void ApplyContact(Tables& t, const ContactRecord& r) {
  size_t row = Row(EnsureContact(t, r.id));
  t.contacts.name[row] = r.name;
  t.contact_company[row] = OptionalCompany(t, r.company_id);
}

}  // namespace

void PrefetchRecord(const Tables& tables, const RecordBody& body) {
  std::visit(
      [&](const auto& record) {
        using T = std::decay_t<decltype(record)>;
        if constexpr (std::is_same_v<T, ActivityRecord>) {
          tables.activities.ids.Prefetch(record.id);
          if (record.deal_id) tables.deals.ids.Prefetch(*record.deal_id);
        }
        if constexpr (std::is_same_v<T, StageChangeRecord>) tables.deals.ids.Prefetch(record.deal_id);
        if constexpr (std::is_same_v<T, DealRecord>) {
          // A deal is the first sight of most titles, companies and contacts: each lookup
          // misses the cache, and a start-up load makes a million of them.
          tables.deals.ids.Prefetch(record.id);
          tables.titles.Prefetch(record.title);
          if (record.company_id) tables.companies.ids.Prefetch(*record.company_id);
          if (record.contact_id) tables.contacts.ids.Prefetch(*record.contact_id);
        }
        if constexpr (std::is_same_v<T, DealUpdateRecord>) tables.deals.ids.Prefetch(record.id);
        if constexpr (std::is_same_v<T, CompanyRecord>) tables.companies.ids.Prefetch(record.id);
        if constexpr (std::is_same_v<T, ContactRecord>) tables.contacts.ids.Prefetch(record.id);
        if constexpr (std::is_same_v<T, TaskRecord>) {
          tables.tasks.ids.Prefetch(record.id);
          if (record.deal_id) tables.deals.ids.Prefetch(*record.deal_id);
        }
        if constexpr (std::is_same_v<T, TaskUpdateRecord>) tables.tasks.ids.Prefetch(record.id);
      },
      body);
}

void ApplyRecord(Tables& tables, const RecordBody& body) {
  ApplyRecordUnsettled(tables, body);
  SettleRollup(tables);
}

void ApplyRecordUnsettled(Tables& tables, const RecordBody& body) {
  tables.cache.Clear();
  std::visit(
      [&](const auto& record) {
        using T = std::decay_t<decltype(record)>;
        if constexpr (std::is_same_v<T, WorkspaceRecord>) ApplyWorkspace(tables, record);
        if constexpr (std::is_same_v<T, UserRecord>) ApplyUser(tables, record);
        if constexpr (std::is_same_v<T, DepartmentRecord>) ApplyDepartment(tables, record);
        if constexpr (std::is_same_v<T, PipelineRecord>) ApplyPipeline(tables, record);
        if constexpr (std::is_same_v<T, DealRecord>) ApplyDeal(tables, record);
        if constexpr (std::is_same_v<T, DealUpdateRecord>) ApplyDealUpdate(tables, record);
        if constexpr (std::is_same_v<T, StageChangeRecord>) ApplyStageChange(tables, record);
        if constexpr (std::is_same_v<T, ActivityRecord>) ApplyActivity(tables, record);
        if constexpr (std::is_same_v<T, TaskRecord>) ApplyTask(tables, record);
        if constexpr (std::is_same_v<T, TaskUpdateRecord>) ApplyTaskUpdate(tables, record);
        if constexpr (std::is_same_v<T, GoalRecord>) ApplyGoal(tables, record);
        if constexpr (std::is_same_v<T, CompanyRecord>) ApplyCompany(tables, record);
        if constexpr (std::is_same_v<T, ContactRecord>) ApplyContact(tables, record);
      },
      body);
}

}  // namespace voronka
