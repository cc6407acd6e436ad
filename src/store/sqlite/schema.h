// The SQLite schema and its migrations. The database records its version in
// `schema_version`; Migrate applies every later migration in order, each in a transaction.
#pragma once

#include <sqlite3.h>

#include "model/status.h"

namespace voronka::sqlite {

// The version a fully migrated database has.
int LatestSchemaVersion();

// The version recorded in the database (0 for an empty database).
Result<int> SchemaVersion(sqlite3* db);

// Brings the database to LatestSchemaVersion(). A database from a newer build is an error.
Status Migrate(sqlite3* db);

}  // namespace voronka::sqlite
