#include "metrics/request.h"

#include "model/money.h"

namespace voronka {

namespace {

using nlohmann::json;

Result<Period> ParsePeriod(const json& spec, LocalDate today) {
  if (spec.is_null()) return PresetPeriod("this_month", today);
  if (spec.is_string()) return PresetPeriod(spec.get<std::string>(), today);
  if (!spec.is_object()) return Status::Error("period: expected an object");
  if (spec.contains("preset")) {
    if (!spec["preset"].is_string()) return Status::Error("period.preset: expected a string");
    return PresetPeriod(spec["preset"].get<std::string>(), today);
  }
  if (!spec.contains("from") || !spec.contains("to") || !spec["from"].is_string() ||
      !spec["to"].is_string()) {
    return Status::Error("period: expected {\"preset\": ...} or {\"from\": date, \"to\": date}");
  }
  Result<LocalDate> from = ParseDate(spec["from"].get<std::string>());
  if (!from.ok()) return Status::Error("period.from: " + from.message());
  Result<LocalDate> to = ParseDate(spec["to"].get<std::string>());
  if (!to.ok()) return Status::Error("period.to: " + to.message());
  if (to.value() < from.value()) return Status::Error("period: 'to' is before 'from'");
  return Period{from.value(), to.value()};
}

Result<std::vector<std::string>> StringList(const json& value, const std::string& where) {
  std::vector<std::string> out;
  auto add = [&](const json& item) -> bool {
    if (item.is_null()) {
      out.emplace_back();
    } else if (item.is_string()) {
      out.push_back(item.get<std::string>());
    } else if (item.is_number_integer() || item.is_boolean()) {
      out.push_back(item.dump());
    } else {
      return false;
    }
    return true;
  };
  if (value.is_array()) {
    for (const json& item : value) {
      if (!add(item)) return Status::Error(where + ": expected strings");
    }
  } else if (!add(value)) {
    return Status::Error(where + ": expected a string or a list of strings");
  }
  return out;
}

// Which operators a dimension takes: value dimensions in/not_in (and empty where a value can
// be missing), amount a range, created_at/closed_at dates, title contains, custom fields all.
bool TakesOperator(Dimension dimension, FilterOp op) {
  switch (dimension) {
    case Dimension::kField:
      return true;
    case Dimension::kAmount:
      return op == FilterOp::kRange;
    case Dimension::kTitle:
      return op == FilterOp::kContains || op == FilterOp::kEmpty;
    case Dimension::kCreatedAt:
      return op == FilterOp::kDates;
    case Dimension::kClosedAt:
      return op == FilterOp::kDates || op == FilterOp::kEmpty;
    case Dimension::kResponsible:
    case Dimension::kDepartment:
    case Dimension::kSource:
    case Dimension::kDealType:
    case Dimension::kCompany:
    case Dimension::kLossReason:
      return op == FilterOp::kIn || op == FilterOp::kNotIn || op == FilterOp::kEmpty;
    case Dimension::kPipeline:
    case Dimension::kStage:
    case Dimension::kEntity:
    case Dimension::kKind:
    case Dimension::kDirection:
      return op == FilterOp::kIn || op == FilterOp::kNotIn;
  }
  return false;
}

const char* OperatorsOf(Dimension dimension) {
  switch (dimension) {
    case Dimension::kField:
      return "in, not_in, empty, min/max, from/to, contains";
    case Dimension::kAmount:
      return "min/max";
    case Dimension::kTitle:
      return "contains, empty";
    case Dimension::kCreatedAt:
      return "from/to";
    case Dimension::kClosedAt:
      return "from/to, empty";
    case Dimension::kPipeline:
    case Dimension::kStage:
    case Dimension::kEntity:
    case Dimension::kKind:
    case Dimension::kDirection:
      return "in, not_in";
    default:
      return "in, not_in, empty";
  }
}

Result<std::string> BoundText(const json& value, const char* bound) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number()) return value.dump();
  return Status::Error(std::string(bound) + ": expected a number as a string (\"1000.00\")");
}

// A filter's value: a list (or one value) = in, else an object with exactly one operator
// (min/max and from/to count as one, either bound optional).
Result<Filter> ParseFilter(const DimensionRef& on, const json& value) {
  Filter filter;
  filter.on = on;
  if (!value.is_object()) {
    Result<std::vector<std::string>> list = StringList(value, "in");
    if (!list.ok()) return Status::Error("expected a list of values or an operator object");
    if (!TakesOperator(on.dimension, FilterOp::kIn)) {
      return Status::Error(std::string("takes ") + OperatorsOf(on.dimension) + ", not a list");
    }
    filter.values = std::move(list.value());
    return filter;
  }
  if (value.empty()) return Status::Error("an operator is required");
  std::vector<std::string> names;
  for (const auto& [name, operand] : value.items()) names.push_back(name);
  bool range = false, dates = false;
  for (const std::string& name : names) {
    range = range || name == "min" || name == "max";
    dates = dates || name == "from" || name == "to";
  }
  size_t groups = 0;
  for (const std::string& name : names) {
    if (name != "min" && name != "max" && name != "from" && name != "to") ++groups;
  }
  groups += (range ? 1 : 0) + (dates ? 1 : 0);
  if (groups > 1) return Status::Error("one operator per filter, got several");
  const std::string& name = names[0];
  const json& operand = value[name];
  if (name == "in" || name == "not_in") {
    filter.op = name == "in" ? FilterOp::kIn : FilterOp::kNotIn;
    Result<std::vector<std::string>> list = StringList(operand, name);
    if (!list.ok()) return list.status();
    filter.values = std::move(list.value());
  } else if (name == "empty") {
    filter.op = FilterOp::kEmpty;
    if (!operand.is_boolean()) return Status::Error("empty: expected true or false");
    filter.empty = operand.get<bool>();
  } else if (range) {
    filter.op = FilterOp::kRange;
    for (const char* bound : {"min", "max"}) {
      if (!value.contains(bound) || value[bound].is_null()) continue;
      Result<std::string> text = BoundText(value[bound], bound);
      if (!text.ok()) return text.status();
      std::optional<Decimal> number = ParseDecimal(text.value());
      if (on.dimension == Dimension::kAmount) {
        // Money is exact minor units: the bound must be an amount ("1000.00", at most 2 decimals).
        Result<int64_t> minor = ParseMoney(text.value());
        if (!minor.ok()) return Status::Error(std::string(bound) + ": " + minor.message());
      }
      if (!number) {
        return Status::Error(std::string(bound) + ": '" + text.value() + "' is not a number");
      }
      (std::string_view(bound) == "min" ? filter.min : filter.max) = number;
    }
  } else if (dates) {
    filter.op = FilterOp::kDates;
    for (const char* bound : {"from", "to"}) {
      if (!value.contains(bound) || value[bound].is_null()) continue;
      if (!value[bound].is_string()) return Status::Error(std::string(bound) + ": expected a date");
      Result<LocalDate> date = ParseDate(value[bound].get<std::string>());
      if (!date.ok()) return Status::Error(std::string(bound) + ": " + date.message());
      (std::string_view(bound) == "from" ? filter.from : filter.to) = date.value();
    }
  } else if (name == "contains") {
    filter.op = FilterOp::kContains;
    if (!operand.is_string()) return Status::Error("contains: expected a string");
    filter.contains = LowercaseText(operand.get<std::string>());
  } else {
    return Status::Error("unknown operator '" + name +
                         "' (in, not_in, empty, min/max, from/to, contains)");
  }
  if (!TakesOperator(on.dimension, filter.op)) {
    std::string written = range ? "min/max" : dates ? "from/to" : name;
    return Status::Error("'" + written + "' does not apply here; it takes " +
                         OperatorsOf(on.dimension));
  }
  return filter;
}

uint8_t DateBit(MembershipDate date) {
  return static_cast<uint8_t>(1u << static_cast<unsigned>(date));
}

DateRef DefaultDate(const MetricInfo& metric) {
  static const char* kNames[] = {"created", "modified", "closed", "fields", "deadline",
                                 "completed"};
  for (unsigned bit = 0; bit < 6; ++bit) {
    if (metric.dates & (1u << bit)) {
      return DateRef{static_cast<MembershipDate>(bit), kNone, kNames[bit]};
    }
  }
  return DateRef{};
}

// The request's "date": one the metric takes (catalogue bits), a date custom field for deals.
Result<DateRef> ParseMembershipDate(const json& value, const MetricInfo& metric,
                                    const Tables& tables) {
  if (!value.is_string()) return Status::Error("date: expected a string");
  std::string text = value.get<std::string>();
  static const std::pair<const char*, MembershipDate> kNames[] = {
      {"created", MembershipDate::kCreated},   {"modified", MembershipDate::kModified},
      {"closed", MembershipDate::kClosed},     {"deadline", MembershipDate::kDeadline},
      {"completed", MembershipDate::kCompleted}};
  DateRef date;
  date.name = text;
  bool known = false;
  for (const auto& [name, which] : kNames) {
    if (text == name) {
      date.date = which;
      known = true;
    }
  }
  if (!known && text.rfind("fields.", 0) == 0 && text.size() > 7) {
    date.date = MembershipDate::kField;
    date.field = tables.field_names.Find(text.substr(7));
    known = true;
  }
  if (!known) {
    return Status::Error("date: '" + text +
                         "' is not a date (created, modified, closed, fields.<name>, deadline, "
                         "completed)");
  }
  if ((metric.dates & DateBit(date.date)) == 0) {
    std::string taken;
    for (std::string_view name : MetricDateNames(metric)) {
      taken += (taken.empty() ? "" : ", ") + std::string(name);
    }
    return Status::Error("date: " + std::string(metric.name) + " " +
                         (taken.empty() ? std::string("takes no date")
                                        : "counts by " + taken + ", not '" + text + "'"));
  }
  return date;
}

}  // namespace

Result<DimensionRef> ParseDimension(const std::string& name, const Tables& tables) {
  static const std::pair<const char*, Dimension> kNames[] = {
      {"responsible", Dimension::kResponsible}, {"department", Dimension::kDepartment},
      {"pipeline", Dimension::kPipeline},       {"stage", Dimension::kStage},
      {"source", Dimension::kSource},           {"deal_type", Dimension::kDealType},
      {"company", Dimension::kCompany},         {"loss_reason", Dimension::kLossReason},
      {"entity", Dimension::kEntity},           {"kind", Dimension::kKind},
      {"direction", Dimension::kDirection},     {"amount", Dimension::kAmount},
      {"title", Dimension::kTitle},             {"created_at", Dimension::kCreatedAt},
      {"closed_at", Dimension::kClosedAt}};
  for (const auto& [text, dimension] : kNames) {
    if (name == text) return DimensionRef{dimension, kNone, name};
  }
  if (name.rfind("fields.", 0) == 0 && name.size() > 7) {
    return DimensionRef{Dimension::kField, tables.field_names.Find(name.substr(7)), name};
  }
  return Status::Error("'" + name +
                       "' is not a group key or filter (responsible, department, pipeline, stage, "
                       "source, deal_type, company, loss_reason, entity, kind, direction, "
                       "fields.<name>; filters also amount, title, created_at, closed_at)");
}

Result<ReportRequest> ParseRequest(const json& body, Instant now, const Tables& tables) {
  if (!body.is_object()) return Status::Error("request: expected a JSON object");
  ReportRequest request;
  if (!body.contains("metric") || !body["metric"].is_string()) {
    return Status::Error("metric: required, a metric name");
  }
  std::string metric = body["metric"].get<std::string>();
  request.metric = FindMetric(metric);
  if (request.metric == nullptr) return Status::Error("metric '" + metric + "' is unknown");

  request.as_of = now;
  if (body.contains("as_of") && !body["as_of"].is_null()) {
    if (!body["as_of"].is_string()) return Status::Error("as_of: expected a timestamp or \"now\"");
    std::string text = body["as_of"].get<std::string>();
    if (text != "now") {
      Result<Instant> as_of = ParseInstant(text);
      if (!as_of.ok()) return Status::Error("as_of: " + as_of.message());
      request.as_of = as_of.value();
    }
  }
  LocalDate today = tables.settings.time_zone.DateOf(request.as_of);
  Result<Period> period = ParsePeriod(body.value("period", json()), today);
  if (!period.ok()) return period.status();
  request.period = period.value();

  if (body.contains("granularity") && !body["granularity"].is_null()) {
    if (!body["granularity"].is_string()) return Status::Error("granularity: expected a string");
    Result<Granularity> granularity = ParseGranularity(body["granularity"].get<std::string>());
    if (!granularity.ok()) return granularity.status();
    request.granularity = granularity.value();
  }
  if (body.contains("group_by") && !body["group_by"].is_null()) {
    Result<std::vector<std::string>> names = StringList(body["group_by"], "group_by");
    if (!names.ok()) return names.status();
    for (const std::string& name : names.value()) {
      Result<DimensionRef> dimension = ParseDimension(name, tables);
      if (!dimension.ok()) return Status::Error("group_by: " + dimension.message());
      if (dimension->dimension >= Dimension::kAmount) {
        return Status::Error("group_by: '" + name + "' is a filter, not a group key");
      }
      if (dimension->dimension == Dimension::kEntity) request.entity_chosen = true;
      request.group_by.push_back(dimension.value());
    }
    if (request.group_by.size() > 4) return Status::Error("group_by: at most 4 keys");
  }
  if (body.contains("filters") && !body["filters"].is_null()) {
    if (!body["filters"].is_object()) return Status::Error("filters: expected an object");
    for (const auto& [name, values] : body["filters"].items()) {
      Result<DimensionRef> dimension = ParseDimension(name, tables);
      if (!dimension.ok()) return Status::Error("filters: " + dimension.message());
      Result<Filter> filter = ParseFilter(dimension.value(), values);
      if (!filter.ok()) return Status::Error("filters." + name + ": " + filter.message());
      if (dimension->dimension == Dimension::kEntity) request.entity_chosen = true;
      request.filters.push_back(std::move(filter.value()));
    }
  }
  if (body.contains("date") && !body["date"].is_null()) {
    Result<DateRef> date = ParseMembershipDate(body["date"], *request.metric, tables);
    if (!date.ok()) return date.status();
    request.date = date.value();
  } else {
    request.date = DefaultDate(*request.metric);
  }
  if (body.contains("compare") && !body["compare"].is_null()) {
    if (!body["compare"].is_string()) return Status::Error("compare: expected a string");
    request.compare = body["compare"].get<std::string>();
    Result<Period> compared = ComparedPeriod(request.period, request.compare);
    if (!compared.ok()) return compared.status();
  }
  request.forgotten_days = tables.settings.forgotten_days;
  if (body.contains("forgotten_days") && !body["forgotten_days"].is_null()) {
    if (!body["forgotten_days"].is_number_integer() || body["forgotten_days"].get<int64_t>() < 0) {
      return Status::Error("forgotten_days: expected a non-negative integer");
    }
    request.forgotten_days = body["forgotten_days"].get<int32_t>();
  }
  if (body.contains("activity_weights") && !body["activity_weights"].is_null()) {
    Result<ActivityWeights> weights =
        ParseActivityWeights(body["activity_weights"], request.activity_weights);
    if (!weights.ok()) return weights.status();
    request.activity_weights = weights.value();
  }
  if (body.contains("group") && !body["group"].is_null()) {
    if (!body["group"].is_object()) return Status::Error("group: expected an object");
    request.drill_group = body["group"];
  }
  if (body.contains("bucket") && body["bucket"].is_string()) {
    request.drill_bucket = body["bucket"].get<std::string>();
  }
  if (body.contains("offset")) {
    if (!body["offset"].is_number_integer() || body["offset"].get<int64_t>() < 0) {
      return Status::Error("offset: expected a non-negative integer");
    }
    request.offset = body["offset"].get<int64_t>();
  }
  if (body.contains("limit")) {
    if (!body["limit"].is_number_integer() || body["limit"].get<int64_t>() < 0) {
      return Status::Error("limit: expected a non-negative integer");
    }
    request.limit = body["limit"].get<int64_t>();
  }
  if (body.contains("sort") && body["sort"].is_string()) request.sort = body["sort"];
  return request;
}

Result<ActivityWeights> ParseActivityWeights(const nlohmann::json& json, ActivityWeights base) {
  if (!json.is_object()) return Status::Error("activity_weights: expected an object");
  for (const auto& [name, value] : json.items()) {
    size_t slot = 0;
    if (name == "task") {
      slot = kWeightOfTask;
    } else if (name == "stage_change") {
      slot = kWeightOfStageChange;
    } else if (std::optional<ActivityKind> kind = ParseActivityKind(name)) {
      slot = static_cast<size_t>(*kind);
    } else {
      return Status::Error("activity_weights: unknown kind '" + name + "'");
    }
    double weight = value.is_number() ? value.get<double>() : -1;
    double half_points = weight * 2;
    if (weight < 0 || weight > 1000 || half_points != static_cast<double>(int64_t(half_points))) {
      return Status::Error("activity_weights." + name + ": expected 0..1000 in steps of 0.5");
    }
    base[slot] = static_cast<int64_t>(half_points);
  }
  return base;
}

std::optional<Decimal> ParseDecimal(std::string_view text) {
  size_t at = 0;
  bool negative = false;
  if (at < text.size() && (text[at] == '-' || text[at] == '+')) negative = text[at++] == '-';
  Decimal whole = 0, fraction = 0;
  int integer_digits = 0, fraction_digits = 0;
  for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, ++integer_digits) {
    if (integer_digits >= 24) return std::nullopt;
    whole = whole * 10 + (text[at] - '0');
  }
  if (at < text.size() && text[at] == '.') {
    for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, ++fraction_digits) {
      if (fraction_digits >= kDecimalScale) return std::nullopt;
      fraction = fraction * 10 + (text[at] - '0');
    }
    if (fraction_digits == 0) return std::nullopt;
  }
  if (at != text.size() || integer_digits == 0) return std::nullopt;
  for (int d = fraction_digits; d < kDecimalScale; ++d) fraction *= 10;
  Decimal scale = 1;
  for (int d = 0; d < kDecimalScale; ++d) scale *= 10;
  Decimal value = whole * scale + fraction;
  return negative ? -value : value;
}


}  // namespace voronka
