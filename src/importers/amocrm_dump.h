// amoCRM: a dump of API v4 pages into canonical records (SPEC §2). The dump layout and the
// mapping of every field are in docs/import.md.
#pragma once

#include <string>

#include "importers/import_batch.h"
#include "ingest/catalog.h"

namespace voronka {

struct AmocrmOptions {
  // The account address, e.g. "https://example.amocrm.ru": sets the workspace's deep link to
  // "<account>/leads/detail/{id}". Empty: the setting is left as it is.
  std::string account_url;
  // Set for an incremental dump (only what changed since a time, as `sync amocrm` fetches
  // after its first run): the workspace's deals so far. A lead already known becomes a deal
  // update at its updated_at instead of a new deal (its state at creation is not in the
  // dump), and calls or tasks of known leads are kept although the lead is not in the dump.
  const Catalog* known = nullptr;
};

// Reads DUMP (leads/0001.json, leads/pipelines/0001.json, events/..., see docs/import.md)
// into one batch: groups as departments, users, pipelines, companies, contacts, leads as
// deals, stage changes and responsible changes from events, calls, chats, SMS and notes as
// activities, and tasks. Stage ids are "<pipeline_id>:<status_id>" (every pipeline has its
// own 142 and 143). Records made from events carry the event's id, so importing a later dump
// again adds only what is new.
ImportBatch ReadAmocrmDump(const std::string& dump_dir, const AmocrmOptions& options);

}  // namespace voronka
