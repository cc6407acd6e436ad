// Bitrix24: a dump of REST answers into canonical records (SPEC §2). The dump layout and
// the mapping of every field are in docs/import.md.
#pragma once

#include <string>

#include "importers/import_batch.h"
#include "ingest/catalog.h"

namespace voronka {

struct Bitrix24Options {
  // The portal address, e.g. "https://example.bitrix24.ru": sets the workspace's deep link
  // to "<portal>/crm/deal/details/{id}/". Empty: the setting is left as it is.
  std::string portal_url;
  // Set for an incremental dump (only what changed since a time, as `sync bitrix24` fetches
  // after its first run): the workspace's deals so far. A deal or lead already known becomes
  // a deal update at its DATE_MODIFY with the stage changes of the new history rows (its
  // state at creation is not in the dump), and activities, comments and tasks of known deals
  // are kept although the deal is not in the dump.
  const Catalog* known = nullptr;
};

// Reads every known method folder of DUMP (crm.deal.list/0001.json, ...) into one batch:
// departments, users, pipelines, companies, contacts, deals and leads, stage changes,
// activities, comments and tasks. Deal ids are Bitrix24's; leads are "L<ID>"; lead stages
// "L:<STATUS_ID>". Stage changes carry event ids "b24:..." made of Bitrix24 ids (and the
// deal's DATE_MODIFY for a move the history lacks), so importing a later dump again adds only
// what is new.
ImportBatch ReadBitrix24Dump(const std::string& dump_dir, const Bitrix24Options& options);

}  // namespace voronka
