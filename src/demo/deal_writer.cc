// Canonical NDJSON lines of a planned demo deal (SPEC §2 member names).
#include <array>

#include "demo/deal_simulator.h"

namespace voronka::demo {

namespace {

// Indexed by the Source and DealType enums of deal_simulator.cc.
constexpr std::array<const char*, 7> kSourceNames = {
    "cold_base", "website", "referral", "exhibition", "inbound_call", "email_campaign", "partner"};
constexpr std::array<const char*, 4> kDealTypeNames = {"sale", "service", "repeat", "purchase"};

}  // namespace

void DealSimulator::Write(const Deal& deal, const char* title_word, bool with_fields) {
  const PipelineShape& shape = Shape(deal.pipeline);
  NdjsonWriter& out = out_;
  out.Raw(R"({"type":"deal","id":)").Id(deal.prefix, deal.number);
  out.Raw(deal.prefix == 'L' ? R"(,"entity":"lead","title":")" : R"(,"entity":"deal","title":")");
  out.Raw(title_word).Raw(" ").Int(deal.number);
  out.Raw(R"(","pipeline_id":")").Raw(shape.id);
  out.Raw(R"(","stage_id":")").Raw(shape.stage_ids[0]);
  out.Raw(R"(","amount":)").Money(deal.amount);
  out.Raw(R"(,"responsible_id":)").Id('u', deal.manager + 1);
  out.Raw(R"(,"company_id":)");
  if (deal.party.company >= 0) {
    out.Id('c', deal.party.company + 1);
  } else {
    out.Raw("null");
  }
  out.Raw(R"(,"contact_id":)");
  if (deal.party.contact >= 0) {
    out.Id('k', deal.party.contact + 1);
  } else {
    out.Raw("null");
  }
  out.Raw(R"(,"source":)");
  if (deal.source >= 0) {
    out.Raw("\"").Raw(kSourceNames[static_cast<size_t>(deal.source)]).Raw("\"");
  } else {
    out.Raw("null");
  }
  if (deal.deal_type >= 0) {
    out.Raw(R"(,"deal_type":")").Raw(kDealTypeNames[static_cast<size_t>(deal.deal_type)]).Raw("\"");
  }
  out.Raw(R"(,"created_at":)").Time(deal.created);
  if (with_fields) {
    out.Raw(R"(,"fields":{"delivery":)").Raw(deal.delivery ? R"("yes")" : R"("no")");
    if (deal.pipeline != kPurchasing) {
      out.Raw(R"(,"region":)").String(words_.regions[static_cast<size_t>(deal.region)]);
      out.Raw(R"(,"products":[)");
      bool first = true;
      for (size_t p = 0; p < words_.products.size(); ++p) {
        if ((deal.products & (1u << p)) == 0) continue;
        if (!first) out.Raw(",");
        out.String(words_.products[p]);
        first = false;
      }
      out.Raw("]");
    }
    out.Raw("}");
  }
  out.Raw("}");
  out.EndLine();

  int32_t from = 0;
  for (const Transition& transition : transitions_) {
    out.Raw(R"({"type":"stage_change","deal_id":)").Id(deal.prefix, deal.number);
    out.Raw(R"(,"from":")").Raw(shape.stage_ids[static_cast<size_t>(from)]);
    out.Raw(R"(","to":")").Raw(shape.stage_ids[static_cast<size_t>(transition.stage)]);
    out.Raw(R"(","at":)").Time(transition.at);
    out.Raw(R"(,"by":)").Id('u', UserAt(transition.at) + 1).Raw("}");
    out.EndLine();
    from = transition.stage;
  }

  for (const Update& update : updates_) {
    out.Raw(R"({"type":"deal_update","id":)").Id(deal.prefix, deal.number);
    out.Raw(R"(,"at":)").Time(update.at).Raw(R"(,"set":{)");
    switch (update.kind) {
      case UpdateKind::kAmount:
        out.Raw(R"("amount":)").Money(update.value);
        break;
      case UpdateKind::kResponsible:
        out.Raw(R"("responsible_id":)").Id('u', update.value + 1);
        break;
      case UpdateKind::kLossReason:
        out.Raw(R"("loss_reason":)").String(words_.loss_reasons[static_cast<size_t>(update.value)]);
        break;
      case UpdateKind::kContractDate:
        out.Raw(R"("fields":{"contract_date":)").Date(update.value).Raw("}");
        break;
    }
    out.Raw("}}");
    out.EndLine();
  }

  for (const PlannedActivity& activity : activities_) {
    out.Raw(R"({"type":"activity","id":)").Id('a', ++activity_count_);
    out.Raw(R"(,"kind":")").Raw(ActivityKindName(activity.kind));
    out.Raw(R"(","direction":")").Raw(DirectionName(activity.direction));
    out.Raw(R"(","deal_id":)").Id(deal.prefix, deal.number);
    out.Raw(R"(,"user_id":)").Id('u', UserAt(activity.at) + 1);
    out.Raw(R"(,"at":)").Time(activity.at);
    if (activity.duration_s >= 0) out.Raw(R"(,"duration_s":)").Int(activity.duration_s);
    if (activity.score >= 0) out.Raw(R"(,"score":)").Int(activity.score);
    if (activity.source != nullptr) out.Raw(R"(,"source":")").Raw(activity.source).Raw("\"");
    out.Raw("}");
    out.EndLine();
  }

  for (const PlannedTask& task : tasks_) {
    out.Raw(R"({"type":"task","id":)").Id('t', ++task_count_);
    out.Raw(R"(,"deal_id":)").Id(deal.prefix, deal.number);
    out.Raw(R"(,"user_id":)").Id('u', UserAt(task.created) + 1);
    out.Raw(R"(,"title":)").String(words_.task_titles[static_cast<size_t>(task.title)]);
    out.Raw(R"(,"created_at":)").Time(task.created);
    out.Raw(R"(,"deadline":)").Time(task.deadline);
    out.Raw(R"(,"completed_at":)");
    if (task.completed >= 0) {
      out.Time(task.completed);
    } else {
      out.Raw("null");
    }
    out.Raw("}");
    out.EndLine();
  }
}

void DealSimulator::WriteLeadConversion(const Deal& lead, const Deal& deal) {
  const PipelineShape& shape = Shape(kLeads);
  out_.Raw(R"({"type":"stage_change","deal_id":)").Id(lead.prefix, lead.number);
  out_.Raw(R"(,"from":")").Raw(shape.stage_ids[2]);
  out_.Raw(R"(","to":")").Raw(shape.stage_ids[static_cast<size_t>(shape.won())]);
  out_.Raw(R"(","at":)").Time(deal.created);
  out_.Raw(R"(,"by":)").Id('u', deal.manager + 1).Raw("}");
  out_.EndLine();
  out_.Raw(R"({"type":"deal_update","id":)").Id(lead.prefix, lead.number);
  out_.Raw(R"(,"at":)").Time(deal.created).Raw(R"(,"set":{"converted_to":)");
  out_.Id(deal.prefix, deal.number).Raw("}}");
  out_.EndLine();
}

}  // namespace voronka::demo
