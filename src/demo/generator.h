// The `voronka demo` history: a realistic, deterministic CRM history of a made-up company,
// written as canonical NDJSON (SPEC §2) for demos, tests and benchmarks.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "model/status.h"
#include "model/time.h"

namespace voronka {

struct DemoOptions {
  uint64_t seed = 42;
  int64_t deals = 20000;      // deals (not leads); leads are generated in proportion
  int32_t months = 24;        // history length, ending at end_date
  LocalDate end_date;         // "today" by default (the CLI passes it); nothing happens after it
  std::string locale = "ru";  // ru | en | pl: names of people, companies, stages, reasons
};

// Writes a complete canonical NDJSON history through `write`, in chunks of about a megabyte:
// the workspace, departments, users, pipelines, companies, contacts, then each deal followed by
// its stage changes, updates, activities and tasks (a converted lead just before its deal),
// and monthly goals last. Every timestamp is UTC ("...Z") and before the end of `end_date` in
// the workspace time zone; only task deadlines may be later. Deterministic: the same options
// give the same bytes. Fails on a bad option before writing anything.
Status GenerateDemo(const DemoOptions& options, const std::function<void(std::string_view)>& write);

}  // namespace voronka
