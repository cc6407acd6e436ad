#include <cstdio>
#include <filesystem>

#include "access/secret.h"
#include "importers/crm_hooks.h"
#include "importers/crm_state.h"
#include "server/hooks.h"
#include "server/http_util.h"

namespace voronka {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Removes the scratch dump of one event, whatever happens.
struct ScratchDir {
  fs::path path;
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

// `text` with every credential blanked out: what a CRM or a failed fetch says goes into an
// answer, and the credentials are secrets (the sync checked them, so none should be named).
std::string WithoutCredentials(std::string text, const CrmHookCredentials& credentials) {
  for (const std::string* secret :
       {&credentials.bitrix24_webhook, &credentials.bitrix24_application_token,
        &credentials.amocrm_token}) {
    if (secret->empty()) continue;
    constexpr std::string_view kMask = "[credentials]";
    for (size_t at = text.find(*secret); at != std::string::npos;
         at = text.find(*secret, at + kMask.size())) {
      text.replace(at, secret->size(), kMask);
    }
  }
  return text;
}

void HandleHook(Runtime& runtime, const std::string& crm, RouteContext& context) {
  const httplib::Request& request = context.request;
  std::string token = request.get_param_value("token");
  if (token.empty()) token = BearerToken(request);
  std::optional<int64_t> workspace =
      token.empty() ? std::nullopt
                    : runtime.accounts().WorkspaceOfIngestTokenHash(SecretHash(token));
  if (!workspace) {
    return SendError(context.response, 401,
                     "a valid ingest token is required (?token=... in the webhook address)");
  }
  // The credentials are in the metadata store, shared by every server of a scale-out setup
  // (an embedded install's old file is moved in on first use).
  std::string data_dir = runtime.data_dir();
  Result<std::optional<CrmHookCredentials>> kept =
      LoadHookCredentials(runtime.crm_state(), data_dir, *workspace, crm);
  if (!kept.ok()) {
    std::fprintf(stderr, "hooks/%s: %s\n", crm.c_str(), kept.message().c_str());
    return SendError(context.response, 503, "the workspace's " + crm +
                                                " credentials cannot be read now; try again");
  }
  if (!kept->has_value()) {
    return SendError(context.response, 409,
                     "the workspace has no " + crm + " credentials yet: run `voronka sync " + crm +
                         "` for it once, with the same --data (or --meta and --facts) as the "
                         "server (see docs/import.md)");
  }
  const std::optional<CrmHookCredentials>& credentials = kept.value();
  std::vector<std::pair<std::string, std::string>> form = ParseFormBody(request.body);

  // The scratch dump of one event: under the data directory in the embedded mode; in the
  // scale-out mode, where a server keeps nothing of its own, under the system's temporary
  // folder.
  fs::path scratch_root = fs::path(data_dir) / "hooks-work";
  if (runtime.scale_out()) {
    std::error_code error;
    fs::path temporary = fs::temp_directory_path(error);
    scratch_root = (error ? fs::path("/tmp") : temporary) / "voronka-hooks";
  }
  ScratchDir scratch{scratch_root / RandomSecret(8)};
  HookBatch hook;
  if (crm == "bitrix24") {
    const std::string& expected = credentials->bitrix24_application_token;
    std::string given;
    for (const auto& [name, value] : form) {
      if (name == "auth[application_token]") given = value;
    }
    if (!expected.empty() && !EqualInConstantTime(given, expected)) {
      return SendError(context.response, 403,
                       "auth[application_token] is not the outbound webhook's token");
    }
    Bitrix24SyncOptions fetch;
    fetch.webhook_url = credentials->bitrix24_webhook;
    fetch.work_dir = scratch.path.string();
    // A handful of requests per event: within the portal's burst allowance.
    fetch.pause = std::chrono::milliseconds(0);
    fetch.max_attempts = 4;
    hook = Bitrix24HookBatch(form, fetch);
  } else {
    AmocrmSyncOptions fetch;
    fetch.base_url = credentials->amocrm_base_url;
    fetch.token = credentials->amocrm_token;
    fetch.work_dir = scratch.path.string();
    fetch.max_attempts = 4;
    hook = AmocrmHookBatch(form, fetch);
  }
  if (!hook.bad_event.empty()) return SendError(context.response, 400, hook.bad_event);
  if (!hook.fetch_error.empty()) {
    return SendError(context.response, 502, WithoutCredentials(hook.fetch_error, *credentials));
  }
  ImportBatch& batch = hook.batch;
  if (!batch.ok()) return SendJson(context.response, 422, json{{"errors", batch.errors}});
  if (batch.records.empty()) {
    return SendJson(context.response, 200, json{{"applied", 0}, {"skipped", 0}});
  }
  ParsedBatch parsed = TakeParsedBatch(batch);
  IngestOutcome outcome = runtime.Ingest(*workspace, parsed);
  if (!outcome.ok()) {
    return SendJson(context.response, 422,
                    json{{"errors", NameOrigins(outcome.errors, batch.origins)}});
  }
  SendJson(context.response, 200,
           json{{"applied", outcome.applied}, {"skipped", outcome.skipped}});
}

}  // namespace

RouteHandler CrmHookHandler(Runtime& runtime, const std::string& crm) {
  return [&runtime, crm](RouteContext& context) { HandleHook(runtime, crm, context); };
}

}  // namespace voronka
