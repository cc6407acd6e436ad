// Request filters as bitmaps: an in / not_in / empty filter over a dimension's ids, and the
// deal-attribute pass bitmap, built once per request a filter at a time (scan.h, ScanContext).
#include "metrics/filter.h"

#include <limits>
#include <string>
#include <utility>

namespace voronka {

namespace {

size_t Row(int32_t id) {
  return static_cast<size_t>(id);
}

}  // namespace

// The number of ids a dimension has (the size of a filter bitmap over it).
int32_t IdSpace(const Tables& t, Dimension dimension) {
  switch (dimension) {
    case Dimension::kResponsible:
      return t.users.ids.size();
    case Dimension::kDepartment:
      return t.departments.ids.size();
    case Dimension::kPipeline:
      return t.pipelines.ids.size();
    case Dimension::kStage:
      return t.stages.ids.size();
    case Dimension::kCompany:
      return t.companies.ids.size();
    case Dimension::kSource:
    case Dimension::kDealType:
    case Dimension::kLossReason:
    case Dimension::kField:
      return t.values.size();
    case Dimension::kEntity:
      return 2;
    case Dimension::kKind:
      return 10;
    case Dimension::kDirection:
      return 3;
    case Dimension::kAmount:
    case Dimension::kTitle:
    case Dimension::kCreatedAt:
    case Dimension::kClosedAt:
      return 0;  // filters only, never group keys
  }
  return 0;
}

// An in / not_in / empty filter on a value dimension, as a bitmap over its ids.
DimensionFilter MakeFilter(const Tables& t, const Filter& filter) {
  DimensionFilter out;
  out.active = true;
  size_t space = Row(IdSpace(t, filter.on.dimension));
  if (filter.op == FilterOp::kEmpty) {
    out.accepts.assign(space, filter.empty ? 0 : 1);
    out.accepts_none = filter.empty;
    return out;
  }
  out.accepts.assign(space, 0);
  for (const std::string& text : filter.values) {
    int32_t id = DimensionValueId(t, filter.on, text);
    if (id == kNone) out.accepts_none = true;
    if (id >= 0) out.accepts[Row(id)] = 1;
  }
  if (filter.on.dimension == Dimension::kDepartment) {
    // A department filter includes every sub-department: accept d when an ancestor is listed
    // (so not_in leaves the sub-departments out too).
    std::vector<uint8_t> listed = out.accepts;
    for (int32_t d = 0; d < t.departments.ids.size(); ++d) {
      int32_t at = d;
      for (int32_t steps = 0; at != kNone && steps <= t.departments.ids.size(); ++steps) {
        if (listed[Row(at)]) {
          out.accepts[Row(d)] = 1;
          break;
        }
        at = t.departments.parent[Row(at)];
      }
    }
  }
  if (filter.op == FilterOp::kNotIn) {
    for (uint8_t& accepted : out.accepts) accepted = accepted ? 0 : 1;
    out.accepts_none = !out.accepts_none;
  }
  return out;
}

namespace {

// The instant range [lo, hi) of a from/to filter in the workspace zone (open bounds: the whole
// time line).
std::pair<int64_t, int64_t> InstantRange(const Tables& t, const Filter& filter) {
  const TimeZone& zone = t.settings.time_zone;
  int64_t lo = filter.from ? zone.StartOf(*filter.from).micros : kNoTime;
  int64_t hi = filter.to ? zone.StartOf(*filter.to).micros : std::numeric_limits<int64_t>::max();
  return {lo, hi};
}

bool InRange(const Filter& filter, Decimal value) {
  return (!filter.min || value >= *filter.min) && (!filter.max || value <= *filter.max);
}

// A filter on a custom field: which value ids it accepts (a deal passes when any of its values
// is accepted, or it has none and `accepts_none`), and whether the answer is then negated
// (not_in: a deal passes when none of its values is listed).
struct FieldFilter {
  int32_t field = kNone;
  DimensionFilter values;
  bool negate = false;
};

FieldFilter MakeFieldFilter(const Tables& t, const Filter& filter) {
  FieldFilter out;
  out.field = filter.on.field;
  out.negate = filter.op == FilterOp::kNotIn;
  DimensionFilter& values = out.values;
  values.active = true;
  switch (filter.op) {
    case FilterOp::kIn:
    case FilterOp::kNotIn:
    case FilterOp::kEmpty: {
      Filter as_in = filter;
      if (filter.op == FilterOp::kNotIn) as_in.op = FilterOp::kIn;
      values = MakeFilter(t, as_in);
      return out;
    }
    default:
      break;
  }
  // Range, dates and text tests run once per distinct value, not once per deal.
  values.accepts.assign(Row(t.values.size()), 0);
  auto [lo, hi] = InstantRange(t, filter);
  for (int32_t v = 0; v < t.values.size(); ++v) {
    std::string_view text = t.values.Text(v);
    bool accepted = false;
    if (filter.op == FilterOp::kRange) {
      std::optional<Decimal> number = ParseDecimal(text);
      accepted = number && InRange(filter, *number);
    } else if (filter.op == FilterOp::kDates) {
      int64_t at = FieldValueInstant(t, text);
      accepted = at != kNoTime && at >= lo && at < hi;
    } else {
      accepted = LowercaseText(text).find(filter.contains) != std::string::npos;
    }
    values.accepts[Row(v)] = accepted ? 1 : 0;
  }
  return out;
}

bool FieldPasses(const Tables& t, int32_t value, const FieldFilter& filter) {
  bool any = false;
  if (IsValueList(value)) {
    ForEachFieldValue(t, value, [&](int32_t id) { any = any || filter.values.Accepts(id); });
  } else {
    any = filter.values.Accepts(value);
  }
  return any != filter.negate;
}

}  // namespace

// ANDs one deal-attribute filter into `attrs`: one tight loop over the one column it reads
// (the pass bitmap is built once per request, a filter at a time, so a request filtered by a
// custom field reads that field's 4-byte column; a multi-list cell reads its interned list).
void ApplyDealFilter(const ScanContext& c, const Filter& filter, std::vector<uint8_t>& attrs) {
  const Tables& t = *c.tables;
  const DealTable& deals = t.deals;
  int32_t n = deals.size();
  auto each = [&](auto&& passes) {
    for (int32_t d = 0; d < n; ++d) {
      if (attrs[Row(d)]) attrs[Row(d)] = passes(d) ? 1 : 0;
    }
  };
  auto by_ids = [&](const LiveColumn<int32_t>& column) {
    DimensionFilter accepted = MakeFilter(t, filter);
    c.Scanned(n, 4);
    each([&](int32_t d) { return accepted.Accepts(column[Row(d)]); });
  };
  switch (filter.on.dimension) {
    case Dimension::kPipeline:
    case Dimension::kStage: {
      DimensionFilter accepted = MakeFilter(t, filter);
      bool by_pipeline = filter.on.dimension == Dimension::kPipeline;
      c.Scanned(n, 4);
      each([&](int32_t d) {
        int32_t stage = c.state[Row(d)].stage;
        if (!by_pipeline) return accepted.Accepts(stage);
        return accepted.Accepts(stage == kNone ? kNone : t.stages.pipeline[Row(stage)]);
      });
      return;
    }
    case Dimension::kSource:
      return by_ids(deals.source.value);
    case Dimension::kDealType:
      return by_ids(deals.deal_type.value);
    case Dimension::kCompany:
      return by_ids(deals.company.value);
    case Dimension::kLossReason:
      return by_ids(deals.loss_reason.value);
    case Dimension::kEntity: {
      DimensionFilter accepted = MakeFilter(t, filter);
      c.Scanned(n, 1);
      each([&](int32_t d) { return accepted.Accepts(static_cast<int32_t>(deals.entity[Row(d)])); });
      return;
    }
    case Dimension::kField: {
      FieldFilter field = MakeFieldFilter(t, filter);
      if (field.field == kNone || Row(field.field) >= deals.field_value.size()) {
        // No deal has the field: every deal has no value.
        bool passes = field.values.accepts_none != field.negate;
        if (!passes) std::fill(attrs.begin(), attrs.end(), 0);
        return;
      }
      const LiveColumn<int32_t>& column = deals.field_value[Row(field.field)];
      c.Scanned(n, 4);
      each([&](int32_t d) { return FieldPasses(t, column[Row(d)], field); });
      return;
    }
    case Dimension::kAmount: {
      // Minor units (10^-2) to the decimal scale (10^-9): exact, no floating point.
      c.Scanned(n, 8);
      each([&](int32_t d) {
        return InRange(filter, static_cast<Decimal>(deals.amount.value[Row(d)]) * 10'000'000);
      });
      return;
    }
    case Dimension::kTitle: {
      // Each distinct title is tested once (through its lowercased text, kept on apply); a
      // deal reads its title id and the title's verdict.
      const Dictionary& lower = t.lower_titles;
      std::vector<uint8_t> accepts(Row(lower.size()), 0);
      for (int32_t l = 0; l < lower.size(); ++l) {
        std::string_view text = lower.Text(l);
        accepts[Row(l)] = filter.op == FilterOp::kEmpty
                              ? text.empty() == filter.empty
                              : text.find(filter.contains) != std::string_view::npos;
      }
      bool accepts_none = filter.op == FilterOp::kEmpty
                              ? filter.empty
                              : std::string_view().find(filter.contains) != std::string_view::npos;
      c.Scanned(lower.size(), 16);
      c.Scanned(n, 8);
      each([&](int32_t d) {
        int32_t title = deals.title.value[Row(d)];
        return title == kNone ? accepts_none
                              : accepts[Row(t.title_lower[Row(title)])] != 0;
      });
      return;
    }
    case Dimension::kCreatedAt: {
      auto [lo, hi] = InstantRange(t, filter);
      c.Scanned(n, 8);
      each([&](int32_t d) {
        int64_t at = deals.created_at[Row(d)];
        return at >= lo && at < hi;
      });
      return;
    }
    case Dimension::kClosedAt: {
      auto [lo, hi] = InstantRange(t, filter);
      c.Scanned(n, sizeof(DealMoment));
      each([&](int32_t d) {
        const DealMoment& m = c.state[Row(d)];
        bool closed = (m.outcome == Outcome::kWon || m.outcome == Outcome::kLost) &&
                      m.close != kNoTime;
        if (filter.op == FilterOp::kEmpty) return closed != filter.empty;
        return closed && m.close >= lo && m.close < hi;
      });
      return;
    }
    case Dimension::kResponsible:
    case Dimension::kDepartment:
    case Dimension::kKind:
    case Dimension::kDirection:
      return;  // the user's and the activity's own filters, not deal attributes
  }
}

int64_t FieldValueInstant(const Tables& t, std::string_view text) {
  if (text.size() == 10) {
    Result<LocalDate> date = ParseDate(text);
    return date.ok() ? t.settings.time_zone.StartOf(date.value()).micros : kNoTime;
  }
  Result<Instant> instant = ParseInstant(text);
  return instant.ok() ? instant->micros : kNoTime;
}

}  // namespace voronka
