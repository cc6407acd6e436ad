// The metadata schema in PostgreSQL and its migrations: a schema_version table says how many
// of the migrations in schema.cc have run; opening applies the rest, one transaction each,
// under an advisory lock so that servers starting together do not race.
#pragma once

#include <memory>
#include <string>

#include "model/status.h"
#include "store/postgres/connection.h"

namespace voronka::postgres {

// Connects to `uri` ("postgresql://USER@HOST:PORT/DB"), migrates the schema and returns a
// pool of connections to it. An error names the server and says what failed.
Result<std::shared_ptr<Pool>> OpenMetaDatabase(const std::string& uri);

// The number of migrations this build knows (the schema_version after OpenMetaDatabase).
int SchemaVersion();

}  // namespace voronka::postgres
