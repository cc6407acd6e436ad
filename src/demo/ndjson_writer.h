// Appends canonical NDJSON text into one reused buffer and hands it out in ~1 MB chunks.
// Hand-written digits instead of a general formatter for the hottest pieces (timestamps,
// ids): a million-deal history is tens of millions of lines.
#pragma once

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "demo/history_clock.h"

namespace voronka::demo {

class NdjsonWriter {
 public:
  using Sink = std::function<void(std::string_view)>;

  NdjsonWriter(const HistoryClock& clock, const Sink& sink);
  NdjsonWriter(const NdjsonWriter&) = delete;
  NdjsonWriter& operator=(const NdjsonWriter&) = delete;

  // Text as it is (JSON punctuation, member names, known-safe words).
  NdjsonWriter& Raw(std::string_view text) {
    buffer_.append(text.data(), text.data() + text.size());
    return *this;
  }
  // A JSON string: quotes added, '"', '\\' and control characters escaped.
  NdjsonWriter& String(std::string_view text);
  // A quoted id: prefix and number, e.g. Id("D", 17) writes "D17".
  NdjsonWriter& Id(char prefix, int64_t number);
  NdjsonWriter& Int(int64_t value);
  // A quoted amount with two decimals: 15000050 -> "150000.50".
  NdjsonWriter& Money(int64_t minor);
  // A quoted RFC 3339 UTC timestamp of a history moment: "2024-03-05T06:35:00Z".
  NdjsonWriter& Time(int64_t t);
  // A quoted local date of a history moment: "2024-03-05".
  NdjsonWriter& Date(int64_t t);
  // Ends the record's line; passes the buffer on once it holds about a megabyte.
  void EndLine() {
    buffer_.push_back('\n');
    ++lines_;
    if (buffer_.size() >= kChunkBytes) Flush();
  }
  // Passes on whatever is buffered.
  void Flush();

  // Lines written so far.
  int64_t lines() const { return lines_; }

 private:
  static constexpr size_t kChunkBytes = 1 << 20;

  const HistoryClock& clock_;
  const Sink& sink_;
  fmt::memory_buffer buffer_;
  int64_t lines_ = 0;
  // "YYYY-MM-DD" of UTC days from `first_utc_day_`, so a timestamp costs no calendar math.
  int64_t first_utc_day_ = 0;
  std::vector<std::array<char, 10>> utc_dates_;
};

}  // namespace voronka::demo
