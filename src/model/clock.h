// The wall clock, as the records' times count it.
#pragma once

#include <cstdint>

namespace voronka {

// Now, in microseconds since the Unix epoch (UTC).
int64_t NowMicros();

}  // namespace voronka
