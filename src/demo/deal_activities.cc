// Calls, e-mails, meetings, chats and tasks of a demo deal, and the leads around it.
#include <algorithm>
#include <array>

#include "demo/deal_simulator.h"

namespace voronka::demo {

namespace {

constexpr int64_t kDay = kSecondsPerDay;
constexpr int64_t kMinute = 60;
// "Заявка" / "Inquiry": the last of Vocabulary::titles.
constexpr size_t kLeadTitle = 5;

// Per 100 touches of a sales deal: outgoing calls lead, then e-mails and comments.
// Order: call out, call in, e-mail out, e-mail in, comment, SMS, chat in, meeting, file, other.
constexpr std::array<double, 10> kTouchWeights = {34, 9, 14, 9, 12, 5, 6, 3, 2, 1};
constexpr std::array<ActivityKind, 10> kTouchKinds = {
    ActivityKind::kCall,    ActivityKind::kCall, ActivityKind::kEmail, ActivityKind::kEmail,
    ActivityKind::kComment, ActivityKind::kSms,  ActivityKind::kChat,  ActivityKind::kMeeting,
    ActivityKind::kFile,    ActivityKind::kOther};
constexpr std::array<Direction, 10> kTouchDirections = {
    Direction::kOut, Direction::kIn, Direction::kOut,  Direction::kIn,   Direction::kNone,
    Direction::kOut, Direction::kIn, Direction::kNone, Direction::kNone, Direction::kNone};
constexpr std::array<const char*, 3> kChatChannels = {"website_chat", "telegram", "whatsapp"};

// Mean days between touches, per pipeline kind (sales, purchasing, enterprise, leads).
constexpr std::array<double, kPipelineCount> kTouchGapDays = {0.4, 1.2, 1.0, 0.7};
constexpr std::array<double, kPipelineCount> kMeetingWeight = {3, 1, 10, 0};

}  // namespace

void DealSimulator::PlanActivities(Deal& deal) {
  activities_.clear();
  const Manager& manager = org_.managers()[static_cast<size_t>(deal.manager)];
  Opening(deal, deal.created);
  const double gap_mean =
      kTouchGapDays[static_cast<size_t>(deal.pipeline)] * kDay / manager.activity;
  // Active deals are never left for more than a week or so: long silences are stalls only.
  const int64_t longest_gap = 7 * kDay;
  int64_t t = deal.created;
  while (true) {
    const int64_t gap = std::min(longest_gap, static_cast<int64_t>(random_.Exponential(gap_mean)));
    t = clock_.NextWorkingMoment(t + std::max<int64_t>(2 * kMinute, gap), random_);
    if (t >= deal.activity_end) break;
    Touch(deal, t);
  }
  // A satisfaction survey after some of the won deals.
  if (deal.outcome == Outcome::kWon && random_.Chance(0.25)) {
    const int64_t at =
        clock_.NextWorkingMoment(deal.close_at + random_.Between(2, 10) * kDay, random_);
    if (at < clock_.end()) {
      const double r = random_.Unit();
      const int32_t score = static_cast<int32_t>(r < 0.55  ? random_.Between(9, 10)
                                                 : r < 0.8 ? random_.Between(7, 8)
                                                           : random_.Between(0, 6));
      activities_.push_back({at, ActivityKind::kNps, Direction::kIn, -1, score, "email"});
    }
  }
}

void DealSimulator::Touch(const Deal& deal, int64_t at) {
  std::array<double, 10> weights = kTouchWeights;
  weights[7] = kMeetingWeight[static_cast<size_t>(deal.pipeline)];
  const int32_t pick = random_.Pick(weights);
  const ActivityKind kind = kTouchKinds[static_cast<size_t>(pick)];
  const Direction direction = kTouchDirections[static_cast<size_t>(pick)];
  int32_t duration = -1;
  const char* source = nullptr;
  if (kind == ActivityKind::kCall) {
    // A sixth of outgoing calls are not answered (duration 0).
    if (direction == Direction::kOut) {
      duration = random_.Chance(0.16)
                     ? 0
                     : static_cast<int32_t>(std::clamp(random_.LogNormal(150, 0.8), 10.0, 3600.0));
    } else {
      duration = static_cast<int32_t>(std::clamp(random_.LogNormal(200, 0.7), 15.0, 3600.0));
      source = "telephony";
    }
  } else if (kind == ActivityKind::kMeeting) {
    duration = static_cast<int32_t>(random_.Between(2, 8) * 15 * kMinute);
  } else if (kind == ActivityKind::kEmail && direction == Direction::kIn) {
    source = "email";
  } else if (kind == ActivityKind::kChat) {
    source = kChatChannels[random_.Below(kChatChannels.size())];
  }
  activities_.push_back({at, kind, direction, duration, -1, source});
  if (direction != Direction::kIn || !random_.Chance(0.8)) return;
  // The manager answers an incoming call, message or chat after a while.
  const Manager& manager = org_.managers()[static_cast<size_t>(deal.manager)];
  const int64_t reply = clock_.NextWorkingMoment(
      at + kMinute + static_cast<int64_t>(random_.Exponential(manager.reply_minutes * kMinute)),
      random_);
  if (reply >= deal.activity_end) return;
  if (kind == ActivityKind::kChat || kind == ActivityKind::kEmail) {
    activities_.push_back({reply, kind, Direction::kOut, -1, -1, nullptr});
  } else {
    const int32_t talk =
        static_cast<int32_t>(std::clamp(random_.LogNormal(150, 0.8), 10.0, 3600.0));
    activities_.push_back({reply, ActivityKind::kCall, Direction::kOut, talk, -1, nullptr});
  }
}

void DealSimulator::Opening(const Deal& deal, int64_t at) {
  // The first touch says where the deal came from.
  ActivityKind kind = ActivityKind::kComment;
  Direction direction = Direction::kNone;
  const char* source = nullptr;
  int32_t duration = -1;
  switch (deal.source) {
    case 0:  // cold_base
      kind = ActivityKind::kCall;
      direction = Direction::kOut;
      duration = static_cast<int32_t>(std::clamp(random_.LogNormal(120, 0.7), 10.0, 1800.0));
      break;
    case 1:  // website
      kind = random_.Chance(0.7) ? ActivityKind::kWebform : ActivityKind::kChat;
      direction = Direction::kIn;
      source = kind == ActivityKind::kWebform ? "website" : "website_chat";
      break;
    case 2:  // referral
    case 4:  // inbound_call
      kind = ActivityKind::kCall;
      direction = Direction::kIn;
      duration = static_cast<int32_t>(std::clamp(random_.LogNormal(200, 0.7), 15.0, 3600.0));
      source = "telephony";
      break;
    case 3:  // exhibition
      kind = ActivityKind::kMeeting;
      duration = 20 * kMinute;
      break;
    case 5:  // email_campaign
    case 6:  // partner
      kind = ActivityKind::kEmail;
      direction = Direction::kIn;
      source = "email";
      break;
    default:
      break;
  }
  activities_.push_back({at, kind, direction, duration, -1, source});
  if (direction == Direction::kIn) {
    const Manager& manager = org_.managers()[static_cast<size_t>(deal.manager)];
    const int64_t reply = clock_.NextWorkingMoment(
        at + kMinute + static_cast<int64_t>(random_.Exponential(manager.reply_minutes * kMinute)),
        random_);
    if (reply < deal.activity_end) {
      activities_.push_back({reply, ActivityKind::kCall, Direction::kOut,
                             static_cast<int32_t>(random_.Between(40, 600)), -1, nullptr});
    }
  }
}

void DealSimulator::PlanTasks(const Deal& deal) {
  tasks_.clear();
  const Manager& manager = org_.managers()[static_cast<size_t>(deal.manager)];
  const PipelineShape& shape = Shape(deal.pipeline);
  const double task_chance = std::min(0.9, 0.5 * manager.activity + 0.15);
  const int64_t end = clock_.end();
  const bool closed = deal.outcome != Outcome::kOpen;
  // A task is set on entering each open stage: creation counts as entering the first one.
  for (size_t i = 0; i <= transitions_.size(); ++i) {
    const int64_t entered = i == 0 ? deal.created : transitions_[i - 1].at;
    const int32_t stage = i == 0 ? 0 : transitions_[i - 1].stage;
    if (stage >= shape.open_count || !random_.Chance(task_chance)) continue;
    const int64_t left = i < transitions_.size() ? transitions_[i].at : deal.activity_end;
    const int64_t created = entered + random_.Between(kMinute, 30 * kMinute);
    if (created >= deal.activity_end) continue;
    int32_t deadline_day =
        HistoryClock::DayOf(created) + static_cast<int32_t>(random_.Between(1, 4));
    while (!clock_.IsWorkday(deadline_day)) ++deadline_day;
    constexpr std::array<int64_t, 4> kHours = {10, 12, 15, 17};
    const int64_t deadline =
        int64_t{deadline_day} * kDay + kHours[random_.Below(kHours.size())] * kSecondsPerHour;
    int64_t completed = -1;
    const double r = random_.Unit();
    if (r < 0.74) {  // on time: before the deadline, usually before the deal moves on
      const int64_t by = std::max(created + kMinute, std::min(deadline, left));
      completed =
          created + static_cast<int64_t>(random_.Unit() * static_cast<double>(by - created));
    } else if (r < 0.9) {  // late
      completed = clock_.NextWorkingMoment(
          deadline + static_cast<int64_t>(random_.Exponential(1.5 * kDay)), random_);
    }
    // Nothing is done during a stall or after the deal closed; closing a deal closes most of
    // its tasks; the rest stay open (and overdue).
    if (completed >= deal.activity_end) completed = -1;
    if (completed < 0 && closed && random_.Chance(0.7)) completed = deal.close_at;
    if (completed >= end) completed = -1;
    const int32_t title = (stage + static_cast<int32_t>(random_.Below(2)) * 4) %
                          static_cast<int32_t>(words_.task_titles.size());
    tasks_.push_back({created, deadline, completed, title});
  }
}

bool DealSimulator::PlanConvertedLead(Deal& lead, const Deal& deal) {
  const int64_t age = std::clamp<int64_t>(static_cast<int64_t>(random_.Exponential(1.2 * kDay)),
                                          15 * kMinute, 6 * kDay);
  const int64_t created = deal.created - age;
  const Manager& manager = org_.managers()[static_cast<size_t>(deal.manager)];
  if (created < 0 || HistoryClock::DayOf(created) < manager.first_day) return false;
  lead.prefix = 'L';
  lead.number = ++lead_count_;
  lead.pipeline = kLeads;
  lead.created = created;
  lead.manager = deal.manager;
  lead.party = Party{-1, deal.party.contact, deal.party.key};
  lead.source = deal.source;
  lead.amount = deal.amount;
  lead.final_amount = deal.amount;
  lead.activity_end = deal.created;
  transitions_.clear();
  updates_.clear();
  owners_.clear();
  owners_.push_back({created, deal.manager});
  const int64_t contacted = created + age * 35 / 100;
  transitions_.push_back({contacted, 1});
  transitions_.push_back({created + age * 75 / 100, 2});
  activities_.clear();
  Opening(lead, created);
  activities_.push_back({contacted, ActivityKind::kCall, Direction::kOut,
                         static_cast<int32_t>(random_.Between(60, 900)), -1, nullptr});
  tasks_.clear();
  tasks_.push_back({created + kMinute, created + kDay, contacted, 0});
  Write(lead, words_.titles[kLeadTitle], false);
  return true;
}

void DealSimulator::GenerateUnconvertedLead(const Deal& deal) {
  const int64_t end = clock_.end();
  const int64_t created =
      clock_.NextWorkingMoment(deal.created + random_.Between(0, 7 * kDay), random_);
  if (created >= end) return;
  Deal lead;
  lead.prefix = 'L';
  lead.number = ++lead_count_;
  lead.pipeline = kLeads;
  lead.created = created;
  lead.manager = org_.ResponsibleAt(deal.manager, created);
  lead.party = customers_.NewPerson(random_);
  lead.source = random_.Pick(std::array<double, 7>{0, 50, 0, 0, 35, 15, 0});
  lead.amount = deal.amount;
  lead.final_amount = deal.amount;
  transitions_.clear();
  updates_.clear();
  owners_.clear();
  owners_.push_back({created, lead.manager});
  // Most are tried once or twice and dropped: no answer, not a real need, a price shock.
  int64_t t = created;
  if (random_.Chance(0.6)) {
    t = clock_.NextWorkingMoment(t + static_cast<int64_t>(random_.Exponential(0.5 * kDay)),
                                 random_);
    if (t < end) transitions_.push_back({t, 1});
    if (t < end && random_.Chance(0.35)) {
      t = clock_.NextWorkingMoment(t + static_cast<int64_t>(random_.Exponential(1.0 * kDay)),
                                   random_);
      if (t < end) transitions_.push_back({t, 2});
    }
  }
  lead.activity_end = end;
  if (t < end) {
    t = clock_.NextWorkingMoment(t + static_cast<int64_t>(random_.Exponential(2.0 * kDay)),
                                 random_);
    if (t < end) {
      transitions_.push_back({t, Shape(kLeads).lost()});
      updates_.push_back({t, UpdateKind::kLossReason,
                          random_.Pick(std::array<double, kLossReasonCount>{10, 15, 0, 40, 35})});
      lead.outcome = Outcome::kLost;
      lead.close_at = t;
      lead.activity_end = t;
    }
  }
  activities_.clear();
  tasks_.clear();
  Opening(lead, created);
  for (const Transition& transition : transitions_) {
    if (transition.stage >= Shape(kLeads).open_count) continue;
    activities_.push_back({transition.at, ActivityKind::kCall, Direction::kOut,
                           static_cast<int32_t>(random_.Chance(0.3) ? 0 : random_.Between(30, 400)),
                           -1, nullptr});
  }
  Write(lead, words_.titles[kLeadTitle], false);
}

}  // namespace voronka::demo
