#include "importers/bitrix24_dump.h"

#include "importers/bitrix24_internal.h"

namespace voronka {

ImportBatch ReadBitrix24Dump(const std::string& dump_dir, const Bitrix24Options& options) {
  ImportBatch batch;
  bitrix24::Context context;
  context.dump_dir = dump_dir;
  context.known = options.known;
  if (!options.portal_url.empty()) {
    std::string portal = options.portal_url;
    while (!portal.empty() && portal.back() == '/') portal.pop_back();
    WorkspaceRecord workspace;
    workspace.deal_url = portal + "/crm/deal/details/{id}/";
    batch.Add(workspace, "--portal");
  }
  // Definitions before the records that use them, as the store validates in order.
  bitrix24::ReadDepartments(context, batch);
  bitrix24::ReadUsers(context, batch);
  bitrix24::ReadPipelines(context, batch);
  bitrix24::ReadDealFieldLists(context, batch);
  bitrix24::ReadCompanies(context, batch);
  bitrix24::ReadContacts(context, batch);
  bitrix24::ReadDealsAndLeads(context, batch);
  bitrix24::ReadActivities(context, batch);
  bitrix24::ReadComments(context, batch);
  bitrix24::ReadTasks(context, batch);
  if (batch.ok() && context.deal_ids.empty() && options.known == nullptr) {
    batch.errors.push_back(dump_dir +
                           ": no deals or leads: crm.deal.list/ and crm.lead.list/ are missing "
                           "or empty (see docs/import.md for the dump layout)");
  }
  return batch;
}

}  // namespace voronka
