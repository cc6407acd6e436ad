// Request filters as bitmaps, for ScanContext::Make (scan.cc) and the collector's dense keys.
#pragma once

#include <cstdint>
#include <vector>

#include "metrics/scan.h"

namespace voronka {

// The number of ids a dimension has (the size of a filter bitmap over it); 0 for the
// filter-only dimensions (amount, title, created_at, closed_at).
int32_t IdSpace(const Tables& tables, Dimension dimension);

// An in / not_in / empty filter on a value dimension, as a bitmap over its ids.
DimensionFilter MakeFilter(const Tables& tables, const Filter& filter);

// ANDs one deal-attribute filter into `attrs` (a byte per deal row).
void ApplyDealFilter(const ScanContext& context, const Filter& filter,
                     std::vector<uint8_t>& attrs);

}  // namespace voronka
