#include "importers/amocrm_dump.h"

#include "importers/amocrm_internal.h"

namespace voronka {

ImportBatch ReadAmocrmDump(const std::string& dump_dir, const AmocrmOptions& options) {
  ImportBatch batch;
  amocrm::Context context;
  context.dump_dir = dump_dir;
  context.known = options.known;
  if (!options.account_url.empty()) {
    std::string account = options.account_url;
    while (!account.empty() && account.back() == '/') account.pop_back();
    WorkspaceRecord workspace;
    workspace.deal_url = account + "/leads/detail/{id}";
    batch.Add(workspace, "--portal");
  }
  // Definitions before the records that use them, as the store validates in order.
  amocrm::ReadGroupsAndUsers(context, batch);
  amocrm::ReadPipelines(context, batch);
  amocrm::ReadCompanies(context, batch);
  amocrm::ReadContacts(context, batch);
  amocrm::ReadLeadsAndEvents(context, batch);
  amocrm::ReadTasks(context, batch);
  if (batch.ok() && context.deal_ids.empty() && options.known == nullptr) {
    batch.errors.push_back(dump_dir +
                           ": no leads: leads/ is missing or empty (see docs/import.md for the "
                           "dump layout)");
  }
  return batch;
}

}  // namespace voronka
