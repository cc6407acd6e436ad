// The canonical NDJSON reader of SPEC §2: text in, canonical records or line-numbered errors out.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/catalog.h"
#include "model/records.h"

namespace voronka {

// A parsed batch. `lines[i]` is the 1-based line of `records[i]` in the input.
// Errors read like "line 1042: stage_change: unknown stage 'paied'" and are all reported,
// not just the first; a batch with any error must be stored not at all.
struct ParsedBatch {
  std::vector<Record> records;
  std::vector<int64_t> lines;
  std::vector<std::string> errors;
  bool ok() const { return errors.empty(); }
};

// Parses NDJSON (blank lines are skipped; "\r\n" accepted) into records, checking syntax and
// each record's own fields: required members, types, enums, timestamps, amounts.
// `first_line` numbers the first line of `text` (for streaming a big file in chunks).
// A record takes about half a kilobyte; chunks of ~10k lines keep parsing at millions a second.
// Ids given as JSON integers become their decimal text; a UTF-8 byte order mark is skipped.
ParsedBatch ParseNdjson(std::string_view text, int64_t first_line = 1);

// Checks references across the batch and against what is stored: stages and pipelines
// exist (a pipeline defined in the same batch counts), a stage_change/deal_update/activity/
// task names a known deal, task_update a known task, no id defined twice in one batch.
// Appends errors to `batch.errors` with the record's line; with the parser's errors already
// there, the whole list ends up in the order of the input.
void ValidateReferences(ParsedBatch& batch, const Catalog& stored);

}  // namespace voronka
