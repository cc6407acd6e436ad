// Deals from a spreadsheet: a CSV file and a mapping (JSON) that names the columns and how
// the stage names of the file map to stages. The mapping format is in docs/import.md.
#pragma once

#include <string>

#include "importers/import_batch.h"

namespace voronka {

struct CsvDealsOptions {
  // The zone of dates written without an offset ("05.03.2024 14:22"), unless the mapping
  // names one: the workspace's time zone.
  std::string time_zone = "UTC";
};

// Reads the file with the mapping into a batch: the pipeline of the mapping, one user per
// manager name, one company per company name, and per row a deal created on the first open
// stage and moved to its stage at the close date (or the update date, or creation). Errors
// name the file, the line and the column ("deals.csv: line 12: «Сумма»: '12 5' is not an
// amount").
ImportBatch ReadCsvDeals(const std::string& csv_path, const std::string& mapping_path,
                         const CsvDealsOptions& options);

}  // namespace voronka
