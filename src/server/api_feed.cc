// The desktop's own routes: the event feed since the caller's last visit (kept per account),
// the new clients of a period, and activities by source. All apply the caller's workspace and
// visibility (server/feed.h).
#include <charconv>

#include "server/api.h"
#include "server/feed.h"
#include "server/http_util.h"

namespace voronka {

namespace {

using nlohmann::json;

// The last visit is one small row per account in the layouts table, under a scope of its own
// that the layout routes never read or write.
constexpr std::string_view kVisitScope = "visit";
constexpr std::string_view kVisitPage = "feed";
constexpr int64_t kFirstVisitDays = 7;  // a first visit shows the last week
constexpr int32_t kDefaultFeedLimit = 50;
constexpr int32_t kMaxFeedLimit = 500;

std::optional<int64_t> LastVisit(AccountStore& accounts, const Account& account) {
  std::optional<std::string> stored =
      accounts.Layout(account.workspace_id, kVisitScope, std::to_string(account.id), kVisitPage);
  if (!stored) return std::nullopt;
  json body = json::parse(*stored, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains("at") || !body["at"].is_number_integer()) {
    return std::nullopt;
  }
  return body["at"].get<int64_t>();
}

json TimeJson(std::optional<int64_t> micros) {
  return micros ? json(FormatInstant(Instant{*micros})) : json(nullptr);
}

}  // namespace

void Api::Feed(RouteContext& context) {
  std::shared_ptr<const Engine> engine = EngineOf(context);
  if (engine == nullptr) return;
  const Account& account = context.caller->account;
  std::optional<int64_t> last_visit = LastVisit(runtime_.accounts(), account);
  FeedWindow window;
  window.until = context.now;
  window.limit = kDefaultFeedLimit;
  if (context.request.has_param("since")) {
    Result<Instant> since = ParseInstant(context.request.get_param_value("since"));
    if (!since.ok()) {
      return SendError(context.response, 400,
                       "since: expected an RFC 3339 time such as 2024-03-01T10:00:00Z");
    }
    window.since = since.value().micros;
  } else {
    window.since = last_visit.value_or(context.now - kFirstVisitDays * kMicrosPerDay);
  }
  if (context.request.has_param("limit")) {
    std::string text = context.request.get_param_value("limit");
    int32_t limit = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), limit);
    if (error != std::errc() || end != text.data() + text.size() || limit < 1 ||
        limit > kMaxFeedLimit) {
      return SendError(context.response, 400, "limit: expected a whole number from 1 to 500");
    }
    window.limit = limit;
  }
  Visibility visibility = VisibilityOf(*engine, *context.caller);
  Result<json> found = runtime_.Feed(context.workspace_id, *engine, visibility, window);
  if (!found.ok()) return SendFailure(context.response, found.status());
  json answer = std::move(found).value();
  answer["since"] = FormatInstant(Instant{window.since});
  answer["until"] = FormatInstant(Instant{window.until});
  answer["last_visit"] = TimeJson(last_visit);
  SendJson(context.response, 200, answer);
}

void Api::FeedSeen(RouteContext& context) {
  const Account& account = context.caller->account;
  json body = {{"at", context.now}};
  Status stored =
      runtime_.accounts().PutLayout(account.workspace_id, kVisitScope, std::to_string(account.id),
                                    kVisitPage, body.dump(), context.now);
  if (!stored.ok()) return SendError(context.response, 500, "the visit could not be stored");
  SendJson(context.response, 200, json{{"last_visit", TimeJson(context.now)}});
}

namespace {

using TablesReport = Result<json> (Runtime::*)(int64_t, const Engine&, const json&, Instant,
                                               const Visibility&) const;

}  // namespace

// A report of the desktop's own (server/feed.h): admitted for the caller's role like /report
// (hidden pages, the workspace's report defaults), then run under the caller's visibility.
void Api::RunTablesReport(RouteContext& context, TablesReport run) {
  std::optional<json> body = ParseBodyObject(context.request, context.response);
  if (!body) return;
  if (!AdmitReportRequest(context, *body)) return;
  std::shared_ptr<const Engine> engine = EngineOf(context);
  if (engine == nullptr) return;
  Visibility visibility = VisibilityOf(*engine, *context.caller);
  Result<json> answer =
      (runtime_.*run)(context.workspace_id, *engine, *body, Instant{context.now}, visibility);
  if (!answer.ok()) return SendFailure(context.response, answer.status());
  SendJson(context.response, 200, answer.value());
}

void Api::NewClientsReport(RouteContext& context) {
  RunTablesReport(context, &Runtime::NewClients);
}

void Api::ActivitySourcesReport(RouteContext& context) {
  RunTablesReport(context, &Runtime::ActivitySources);
}

}  // namespace voronka
