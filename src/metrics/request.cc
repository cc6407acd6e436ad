#include "metrics/request.h"

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

}  // namespace

Result<DimensionRef> ParseDimension(const std::string& name, const Tables& tables) {
  static const std::pair<const char*, Dimension> kNames[] = {
      {"responsible", Dimension::kResponsible}, {"department", Dimension::kDepartment},
      {"pipeline", Dimension::kPipeline},       {"stage", Dimension::kStage},
      {"source", Dimension::kSource},           {"deal_type", Dimension::kDealType},
      {"company", Dimension::kCompany},         {"loss_reason", Dimension::kLossReason},
      {"entity", Dimension::kEntity},           {"kind", Dimension::kKind},
      {"direction", Dimension::kDirection}};
  for (const auto& [text, dimension] : kNames) {
    if (name == text) return DimensionRef{dimension, kNone, name};
  }
  if (name.rfind("fields.", 0) == 0 && name.size() > 7) {
    return DimensionRef{Dimension::kField, tables.field_names.Find(name.substr(7)), name};
  }
  return Status::Error("'" + name +
                       "' is not a group key or filter (responsible, department, pipeline, stage, "
                       "source, deal_type, company, loss_reason, entity, kind, direction, "
                       "fields.<name>)");
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
      Result<std::vector<std::string>> list = StringList(values, "filters." + name);
      if (!list.ok()) return list.status();
      if (dimension->dimension == Dimension::kEntity) request.entity_chosen = true;
      request.filters.push_back(Filter{dimension.value(), std::move(list.value())});
    }
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

}  // namespace voronka
