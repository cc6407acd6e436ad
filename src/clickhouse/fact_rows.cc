#include "clickhouse/fact_rows.h"

#include "clickhouse/client.h"

namespace voronka::clickhouse {

// One row being appended: cells in the column order of the table (schema.cc), then batch and
// seq. Strings are escaped for TabSeparated; an array cell is its quoted literal, which
// ClickHouse reads as it is (Quote escapes tabs and newlines, so none is raw in it).
class FactRows::Row {
 public:
  Row(std::string& body, std::string_view ws, uint64_t batch, uint32_t seq)
      : body_(body), batch_(batch), seq_(seq) {
    AppendTsv(body_, ws);
  }
  ~Row() {
    body_ += '\t';
    body_ += std::to_string(batch_);
    body_ += '\t';
    body_ += std::to_string(seq_);
    body_ += '\n';
  }
  Row& Str(std::string_view text) {
    body_ += '\t';
    AppendTsv(body_, text);
    return *this;
  }
  Row& Opt(const std::optional<std::string>& text) { return Str(text ? *text : ""); }
  Row& Int(int64_t number) {
    body_ += '\t';
    body_ += std::to_string(number);
    return *this;
  }
  Row& Null() {
    body_ += "\t\\N";
    return *this;
  }
  Row& Strings(const std::vector<std::string>& items) {
    body_ += '\t';
    body_ += QuoteArray(items);
    return *this;
  }
  Row& Numbers(const std::vector<int64_t>& items) {
    body_ += "\t[";
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0) body_ += ',';
      body_ += std::to_string(items[i]);
    }
    body_ += ']';
    return *this;
  }

 private:
  std::string& body_;
  uint64_t batch_;
  uint32_t seq_;
};

namespace {

template <typename E>
int64_t Enum(E value) {
  return static_cast<int64_t>(value);
}

int64_t TimeOr(const std::optional<Instant>& time) { return time ? time->micros : kAbsentTime; }

}  // namespace

FactRows::Row FactRows::Start(FactTable table, uint32_t seq) {
  return Row(bodies_[static_cast<size_t>(table)], ws_, batch_, seq);
}

void FactRows::Clear() {
  for (std::string& body : bodies_) body.clear();
}

void FactRows::Add(const Record& record, uint32_t seq) {
  std::visit([&](const auto& body) { AddRecord(body, seq); }, record.body);
  if (record.event_id) Start(FactTable::kEvents, seq).Str(*record.event_id);
}

// One row per member set: a later record setting one member leaves the others as they were.
void FactRows::AddRecord(const WorkspaceRecord& r, uint32_t seq) {
  auto set = [&](const char* name, const std::optional<std::string>& value) {
    if (value) Start(FactTable::kSettings, seq).Str(name).Str(*value);
  };
  set("name", r.name);
  set("time_zone", r.time_zone);
  set("currency", r.currency);
  set("locale", r.locale);
  set("deal_url", r.deal_url);
  if (r.forgotten_days) {
    Start(FactTable::kSettings, seq).Str("forgotten_days").Str(std::to_string(*r.forgotten_days));
  }
}

void FactRows::AddRecord(const UserRecord& r, uint32_t seq) {
  Start(FactTable::kUsers, seq)
      .Str(r.id)
      .Str(r.name)
      .Opt(r.department_id)
      .Int(r.active ? 1 : 0)
      .Int(r.capacity.value_or(-1));
}

void FactRows::AddRecord(const DepartmentRecord& r, uint32_t seq) {
  Start(FactTable::kDepartments, seq).Str(r.id).Str(r.name).Opt(r.parent_id).Opt(r.head_id);
}

void FactRows::AddRecord(const PipelineRecord& r, uint32_t seq) {
  std::vector<std::string> ids, names;
  std::vector<int64_t> semantics;
  for (const StageDef& stage : r.stages) {
    ids.push_back(stage.id);
    names.push_back(stage.name);
    semantics.push_back(Enum(stage.semantic));
  }
  Start(FactTable::kPipelines, seq)
      .Str(r.id)
      .Str(r.name)
      .Int(Enum(r.entity))
      .Strings(ids)
      .Strings(names)
      .Numbers(semantics);
}

void FactRows::AddRecord(const DealRecord& r, uint32_t seq) {
  {
    Row row = Start(FactTable::kDeals, seq);
    row.Str(r.id).Int(Enum(r.entity)).Str(r.title).Str(r.pipeline_id).Str(r.stage_id).Int(r.amount);
    if (r.original_amount) {
      row.Int(*r.original_amount);
    } else {
      row.Null();
    }
    row.Opt(r.original_currency)
        .Opt(r.responsible_id)
        .Opt(r.company_id)
        .Opt(r.contact_id)
        .Opt(r.source)
        .Opt(r.deal_type)
        .Int(r.created_at.micros)
        .Opt(r.loss_reason)
        .Opt(r.converted_to);
  }
  AddFields(r.id, 2 * r.created_at.micros, r.fields, seq);
}

void FactRows::AddRecord(const DealUpdateRecord& r, uint32_t seq) {
  auto set = [&](const char* name, const std::optional<std::optional<std::string>>& value) {
    if (!value) return;
    Start(FactTable::kDealUpdates, seq)
        .Str(r.id)
        .Int(r.at.micros)
        .Str(name)
        .Int(*value ? 0 : 1)
        .Str(value->value_or(""));
  };
  if (r.title) set("title", std::optional<std::string>(*r.title));
  if (r.amount) set("amount", std::optional<std::string>(std::to_string(*r.amount)));
  set("responsible_id", r.responsible_id);
  set("company_id", r.company_id);
  set("contact_id", r.contact_id);
  set("source", r.source);
  set("deal_type", r.deal_type);
  set("loss_reason", r.loss_reason);
  set("converted_to", r.converted_to);
  AddFields(r.id, 2 * r.at.micros + 1, r.fields, seq);
}

void FactRows::AddFields(std::string_view deal_id, int64_t key,
                         const std::vector<CustomField>& fields, uint32_t seq) {
  for (const CustomField& field : fields) {
    const FieldValue& value = field.value;
    std::string text;
    std::vector<std::string> items;
    switch (value.kind) {
      case FieldValue::Kind::kNull: break;
      case FieldValue::Kind::kString:
      case FieldValue::Kind::kNumber: text = value.text; break;
      case FieldValue::Kind::kBool: text = value.boolean ? "true" : "false"; break;
      case FieldValue::Kind::kList: items = value.items; break;
    }
    if (value.kind != FieldValue::Kind::kNull && value.kind != FieldValue::Kind::kList) {
      items.push_back(text);
    }
    Start(FactTable::kDealFields, seq)
        .Str(deal_id)
        .Int(key)
        .Str(field.name)
        .Int(value.kind == FieldValue::Kind::kNull ? 1 : 0)
        .Int(Enum(value.kind))
        .Str(text)
        .Strings(items);
  }
}

void FactRows::AddRecord(const StageChangeRecord& r, uint32_t seq) {
  Start(FactTable::kStageChanges, seq).Str(r.deal_id).Int(r.at.micros).Str(r.to).Opt(r.from).Opt(r.by);
}

void FactRows::AddRecord(const ActivityRecord& r, uint32_t seq) {
  Start(FactTable::kActivities, seq)
      .Str(r.id)
      .Int(Enum(r.kind))
      .Int(Enum(r.direction))
      .Opt(r.deal_id)
      .Opt(r.contact_id)
      .Opt(r.company_id)
      .Opt(r.user_id)
      .Int(r.at.micros)
      .Int(r.duration_s.value_or(-1))
      .Opt(r.source)
      .Int(r.score.value_or(-1));
}

void FactRows::AddRecord(const TaskRecord& r, uint32_t seq) {
  Start(FactTable::kTasks, seq)
      .Str(r.id)
      .Opt(r.deal_id)
      .Opt(r.user_id)
      .Opt(r.title)
      .Int(r.created_at.micros)
      .Int(TimeOr(r.deadline))
      .Int(TimeOr(r.completed_at));
}

void FactRows::AddRecord(const TaskUpdateRecord& r, uint32_t seq) {
  auto set = [&](const char* name, bool is_null, const std::string& value) {
    Start(FactTable::kTaskUpdates, seq)
        .Str(r.id)
        .Int(r.at.micros)
        .Str(name)
        .Int(is_null ? 1 : 0)
        .Str(value);
  };
  auto set_time = [&](const char* name, const std::optional<std::optional<Instant>>& value) {
    if (value) set(name, !*value, *value ? std::to_string((*value)->micros) : "");
  };
  set_time("completed_at", r.completed_at);
  set_time("deadline", r.deadline);
  if (r.user_id) set("user_id", !*r.user_id, r.user_id->value_or(""));
}

void FactRows::AddRecord(const GoalRecord& r, uint32_t seq) {
  Start(FactTable::kGoals, seq)
      .Str(r.id)
      .Int(Enum(r.scope))
      .Opt(r.scope_id)
      .Str(r.metric)
      .Str(r.period)
      .Int(r.target)
      .Int(r.deleted ? 1 : 0);
}

void FactRows::AddRecord(const CompanyRecord& r, uint32_t seq) {
  Start(FactTable::kCompanies, seq).Str(r.id).Str(r.name);
}

void FactRows::AddRecord(const ContactRecord& r, uint32_t seq) {
  Start(FactTable::kContacts, seq).Str(r.id).Str(r.name).Opt(r.company_id);
}

}  // namespace voronka::clickhouse
