// Bitrix24: a dump of REST answers into canonical records (SPEC §2). The dump layout and
// the mapping of every field are in docs/import.md.
#pragma once

#include <string>

#include "importers/import_batch.h"

namespace voronka {

struct Bitrix24Options {
  // The portal address, e.g. "https://example.bitrix24.ru": sets the workspace's deep link
  // to "<portal>/crm/deal/details/{id}/". Empty: the setting is left as it is.
  std::string portal_url;
};

// Reads every known method folder of DUMP (crm.deal.list/0001.json, ...) into one batch:
// departments, users, pipelines, companies, contacts, deals and leads, stage changes,
// activities, comments and tasks. Deal ids are Bitrix24's; leads are "L<ID>"; lead stages
// "L:<STATUS_ID>". Stage changes carry event ids "b24:..." made of Bitrix24 ids (and the
// deal's DATE_MODIFY for a move the history lacks), so importing a later dump again adds only
// what is new.
ImportBatch ReadBitrix24Dump(const std::string& dump_dir, const Bitrix24Options& options);

}  // namespace voronka
