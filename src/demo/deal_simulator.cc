#include "demo/deal_simulator.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace voronka::demo {

namespace {

// How deals move through each deal pipeline. Medians are in days for an average manager.
struct PathParams {
  std::array<double, 5> stage_days;    // median days on each open stage
  std::array<double, 5> lost_weights;  // on which open stage the lost deals are lost
  double back_chance;                  // per forward step: moved back one stage instead
  double base_win;                     // chance to win for an average deal and manager
  int32_t contract_stage;              // entering it sets the contract date (-1: never)
};

constexpr std::array<PathParams, 3> kParams = {{
    // Sales: days to weeks. Losses happen early (no answer) as often as late (price).
    {{0.3, 2, 4, 5, 0}, {0.3, 0.3, 0.25, 0.15, 0}, 0.07, 0.24, 2},
    // Purchasing: mostly completes; a purchase is seldom cancelled.
    {{1, 3, 8, 0, 0}, {0.5, 0.3, 0.2, 0, 0}, 0.03, 0.8, -1},
    // Enterprise: months, big amounts, many meetings.
    {{5, 10, 14, 18, 12}, {0.25, 0.25, 0.2, 0.2, 0.1}, 0.08, 0.17, 4},
}};

// Deal sources; their names are in deal_writer.cc.
enum Source : int32_t {
  kColdBase,
  kWebsite,
  kReferral,
  kExhibition,
  kInboundCall,
  kEmailCampaign,
  kPartner
};
constexpr std::array<double, 7> kNewSalesSources = {25, 25, 12, 6, 18, 8, 6};
constexpr std::array<double, 7> kEnterpriseSources = {20, 10, 25, 20, 10, 5, 10};
constexpr std::array<double, 7> kRepeatSources = {5, 20, 5, 5, 40, 20, 5};
// Warm sources win more often than cold calling.
constexpr std::array<double, 7> kSourceWin = {0.6, 1.0, 1.5, 0.9, 1.2, 0.8, 1.2};

enum DealType : int32_t { kSale, kService, kRepeat, kPurchase };
// Title words of the vocabulary: sale, service, repeat, enterprise, purchase, lead.
enum TitleWord : int32_t {
  kTitleSale,
  kTitleService,
  kTitleRepeat,
  kTitleProject,
  kTitlePurchase,
  kTitleLead
};

constexpr int64_t kDay = kSecondsPerDay;

}  // namespace

DealSimulator::DealSimulator(const HistoryClock& clock, const Organization& org,
                             const Vocabulary& words, CustomerBook& customers, Random& random,
                             NdjsonWriter& out)
    : clock_(clock), org_(org), words_(words), customers_(customers), random_(random), out_(out) {
  won_amounts_.assign(org.managers().size() * static_cast<size_t>(clock.month_count()), 0);
}

int64_t DealSimulator::Amount(double roubles) {
  const double major = roubles / static_cast<double>(words_.roubles_per_unit);
  // Prices are round numbers; a tenth of deals carry exact kopecks (a computed invoice).
  if (random_.Chance(0.1)) return std::max<int64_t>(100, std::llround(major * 100));
  const int64_t step = major < 1000 ? 10 : (major < 100000 ? 100 : 1000);
  return std::max<int64_t>(step, std::llround(major / static_cast<double>(step)) * step) * 100;
}

void DealSimulator::Generate(int64_t number, int32_t day) {
  Deal deal;
  deal.number = number;
  const double kind = random_.Unit();
  deal.pipeline = kind < 0.10 ? kPurchasing : (kind < 0.30 ? kEnterprise : kSales);
  deal.created =
      int64_t{day} * kDay + (clock_.IsWorkday(day)
                                 ? kWorkStart + random_.Between(0, 10 * kSecondsPerHour - 1)
                                 : 10 * kSecondsPerHour + random_.Between(0, 8 * kSecondsPerHour));
  deal.manager = org_.Pick(deal.pipeline, day, random_);
  const PathParams& params = kParams[static_cast<size_t>(deal.pipeline)];
  double roubles = 0;
  if (deal.pipeline == kPurchasing) {
    deal.party = customers_.Supplier(random_);
    deal.deal_type = kPurchase;
    roubles = 70'000;
  } else {
    // Repeat purchases grow with the customer base: a few at first, a quarter by the end.
    const double progress = static_cast<double>(day) / clock_.day_count();
    std::optional<Party> earlier;
    if (random_.Chance(0.05 + 0.25 * progress))
      earlier = customers_.RepeatCustomer(deal.created, random_);
    if (earlier) {
      deal.party = *earlier;
      deal.repeat = true;
      // The account stays with whoever won the customer, while that person still works here.
      const int32_t owner = customers_.OwnerOf(deal.party);
      if (owner >= 0 && org_.IsActive(owner, day)) deal.manager = owner;
      deal.source = random_.Pick(kRepeatSources);
      deal.deal_type = random_.Chance(0.75) ? kRepeat : kService;
    } else {
      deal.party = deal.pipeline == kSales && random_.Chance(0.14) ? customers_.NewPerson(random_)
                                                                   : customers_.NewCompany(random_);
      deal.source =
          random_.Pick(deal.pipeline == kEnterprise ? kEnterpriseSources : kNewSalesSources);
      deal.deal_type = random_.Chance(0.8) ? kSale : kService;
    }
    if (deal.pipeline == kEnterprise) {
      roubles = 1'600'000;
    } else {
      roubles = deal.deal_type == kService ? 40'000 : (deal.repeat ? 80'000 : 95'000);
    }
  }
  const Manager& manager = org_.managers()[static_cast<size_t>(deal.manager)];
  deal.amount = Amount(random_.LogNormal(roubles * manager.deal_size, 0.75));
  deal.final_amount = deal.amount;
  double win = params.base_win * manager.win_skill * (deal.repeat ? 1.4 : 1.0);
  if (deal.source >= 0) win *= kSourceWin[static_cast<size_t>(deal.source)];
  deal.win_chance = std::min(win, 0.92);
  deal.delivery = random_.Chance(deal.pipeline == kPurchasing ? 0.8 : 0.45);
  deal.region = customers_.RegionOf(deal.party);
  const uint64_t product_count = words_.products.size();
  deal.products = 1u << random_.Below(product_count);
  while (random_.Chance(0.35)) deal.products |= 1u << random_.Below(product_count);

  // Web, phone and mail requests arrive as leads first and are converted into the deal.
  Deal lead;
  const bool inbound =
      deal.source == kWebsite || deal.source == kInboundCall || deal.source == kEmailCampaign;
  bool has_lead = false;
  if ((deal.pipeline == kSales && !deal.repeat && inbound && random_.Chance(0.75)) ||
      (deal.pipeline == kEnterprise && (deal.source == kWebsite || deal.source == kExhibition) &&
       random_.Chance(0.3))) {
    has_lead = PlanConvertedLead(lead, deal);
  }

  PlanPath(deal);
  PlanOwners(deal);
  PlanActivities(deal);
  PlanTasks(deal);
  const int32_t title = deal.pipeline == kPurchasing   ? kTitlePurchase
                        : deal.pipeline == kEnterprise ? kTitleProject
                        : deal.deal_type == kService   ? kTitleService
                        : deal.repeat                  ? kTitleRepeat
                                                       : kTitleSale;
  Write(deal, words_.titles[static_cast<size_t>(title)], true);
  if (has_lead) WriteLeadConversion(lead, deal);
  RecordOutcome(deal);

  // For every converted lead, about as many that never became a deal.
  if (has_lead) {
    const int32_t unconverted = random_.Pick(std::array<double, 3>{0.35, 0.45, 0.2});
    for (int32_t i = 0; i < unconverted; ++i) GenerateUnconvertedLead(deal);
  }
}

void DealSimulator::PlanPath(Deal& deal) {
  const PathParams& params = kParams[static_cast<size_t>(deal.pipeline)];
  const PipelineShape& shape = Shape(deal.pipeline);
  const Manager& manager = org_.managers()[static_cast<size_t>(deal.manager)];
  const int32_t open = shape.open_count;
  const int64_t end = clock_.end();
  transitions_.clear();
  updates_.clear();

  const bool will_win = random_.Chance(deal.win_chance);
  const int32_t lost_at = will_win ? -1
                                   : random_.Pick(std::span<const double>(
                                         params.lost_weights.data(), static_cast<size_t>(open)));
  int32_t stall_at = random_.Chance(manager.stall_chance) ? random_.Below(open) : -1;
  bool mistake = deal.pipeline != kPurchasing && random_.Chance(0.015);
  const int32_t mistake_at = 1 + random_.Below(open - 1);
  bool contract_set = false;
  int32_t backs = 0;
  int32_t stage = 0;
  int64_t t = deal.created;
  deal.outcome = Outcome::kOpen;

  auto close = [&](int64_t at, Outcome outcome, int32_t loss_reason) {
    transitions_.push_back({at, outcome == Outcome::kWon ? shape.won() : shape.lost()});
    deal.outcome = outcome;
    deal.close_at = at;
    if (outcome == Outcome::kLost) updates_.push_back({at, UpdateKind::kLossReason, loss_reason});
  };

  while (true) {
    if (stage == stall_at) {
      // The manager makes a last call and then forgets the deal for weeks; someone closes it
      // as lost much later, unless the history ends first (then it is a forgotten deal).
      stall_at = -1;
      const int64_t quiet_from = t + random_.Between(600, 4 * kSecondsPerHour);
      if (quiet_from >= end) break;
      deal.quiet_from = quiet_from;
      const int64_t cleanup =
          clock_.NextWorkingMoment(quiet_from + random_.Between(20, 150) * kDay, random_);
      if (cleanup < end)
        close(cleanup, Outcome::kLost, random_.Chance(0.5) ? kNoResponse : kNotRelevant);
      break;
    }
    double days =
        random_.LogNormal(params.stage_days[static_cast<size_t>(stage)] * manager.slowness, 0.9);
    // Payments are chased before the quarter closes.
    if (stage == open - 1 && will_win && clock_.InQuarterRush(HistoryClock::DayOf(t))) days *= 0.5;
    const int64_t next = clock_.NextWorkingMoment(
        t + std::max<int64_t>(300, static_cast<int64_t>(days * kDay)), random_);
    if (next >= end) break;
    if (stage == lost_at) {
      // Early losses are silence and lost interest; late ones are price and competitors.
      const bool early = stage * 2 < open;
      const std::array<double, kLossReasonCount> weights =
          early ? std::array<double, kLossReasonCount>{10, 15, 10, 40, 25}
                : std::array<double, kLossReasonCount>{35, 20, 30, 5, 10};
      close(next, Outcome::kLost, random_.Pick(weights));
      break;
    }
    if (stage == open - 1) {
      close(next, Outcome::kWon, 0);
      break;
    }
    if (stage >= 1 && backs < 2 && random_.Chance(params.back_chance)) {
      ++backs;
      --stage;
      transitions_.push_back({next, stage});
      t = next;
      continue;
    }
    ++stage;
    transitions_.push_back({next, stage});
    t = next;
    if (stage == params.contract_stage && !contract_set) {
      contract_set = true;
      const int64_t at = t + random_.Between(60, 600);
      if (at < end) {
        const int64_t date = std::min(end - 1, t + random_.Between(0, 3) * kDay);
        updates_.push_back({at, UpdateKind::kContractDate, date});
        // The price is often renegotiated when the invoice or contract is drawn up.
        if (random_.Chance(0.3)) {
          deal.final_amount =
              Amount(static_cast<double>(deal.amount) / 100 *
                     static_cast<double>(words_.roubles_per_unit) * (0.75 + 0.6 * random_.Unit()));
          updates_.push_back({at, UpdateKind::kAmount, deal.final_amount});
        }
      }
    }
    if (mistake && stage == mistake_at) {
      // Dragged to the won column by mistake and dragged back a few minutes later.
      mistake = false;
      const int64_t wrong = t + random_.Between(60, 1800);
      const int64_t back = wrong + random_.Between(60, 900);
      if (back < end) {
        transitions_.push_back({wrong, shape.won()});
        transitions_.push_back({back, stage});
        t = back;
      }
    }
  }
  if (deal.quiet_from >= 0) {
    deal.activity_end = deal.quiet_from;
  } else {
    deal.activity_end = deal.outcome == Outcome::kOpen ? end : deal.close_at;
  }
}

void DealSimulator::PlanOwners(Deal& deal) {
  owners_.clear();
  owners_.push_back({deal.created, deal.manager});
  const int64_t life_end = deal.outcome == Outcome::kOpen ? clock_.end() : deal.close_at;
  // Now and then a deal is handed to a colleague (vacation, workload, a better fit).
  if (random_.Chance(0.03)) {
    const int64_t at = clock_.NextWorkingMoment(
        deal.created +
            static_cast<int64_t>(random_.Unit() * static_cast<double>(life_end - deal.created)),
        random_);
    if (at < life_end) {
      const int32_t colleague = org_.Colleague(deal.manager, HistoryClock::DayOf(at), random_);
      owners_.push_back({at, colleague});
      updates_.push_back({at, UpdateKind::kResponsible, colleague});
    }
  }
  // A manager who leaves hands the open deals over on the last morning.
  for (size_t i = 0; i < owners_.size(); ++i) {
    const Manager& m = org_.managers()[static_cast<size_t>(owners_[i].manager)];
    if (!m.left) continue;
    const int64_t handover = int64_t{m.last_day} * kDay + kWorkStart + 30 * 60;
    const int64_t segment_end = i + 1 < owners_.size() ? owners_[i + 1].from : life_end;
    if (handover > owners_[i].from && handover < segment_end) {
      owners_.insert(owners_.begin() + static_cast<std::ptrdiff_t>(i) + 1, {handover, m.successor});
      updates_.push_back({handover, UpdateKind::kResponsible, m.successor});
    }
  }
  std::stable_sort(updates_.begin(), updates_.end(),
                   [](const Update& a, const Update& b) { return a.at < b.at; });
}

int32_t DealSimulator::UserAt(int64_t t) const {
  int32_t manager = owners_.front().manager;
  for (const Segment& segment : owners_) {
    if (segment.from > t) break;
    manager = segment.manager;
  }
  return org_.ResponsibleAt(manager, t);
}

void DealSimulator::RecordOutcome(const Deal& deal) {
  if (deal.outcome != Outcome::kWon) return;
  const int32_t user = UserAt(deal.close_at);
  const int32_t month = clock_.MonthIndex(HistoryClock::DayOf(deal.close_at));
  won_amounts_[static_cast<size_t>(user) * static_cast<size_t>(clock_.month_count()) +
               static_cast<size_t>(month)] += deal.final_amount;
  customers_.RecordWin(deal.party, deal.close_at, user);
}

}  // namespace voronka::demo
