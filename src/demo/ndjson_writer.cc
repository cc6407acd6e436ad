#include "demo/ndjson_writer.h"

#include <array>

namespace voronka::demo {

namespace {

void FormatCivil(CivilDate civil, char* out) {
  auto two = [](int32_t value, char* at) {
    at[0] = static_cast<char>('0' + value / 10);
    at[1] = static_cast<char>('0' + value % 10);
  };
  two(civil.year / 100, out);
  two(civil.year % 100, out + 2);
  out[4] = '-';
  two(civil.month, out + 5);
  out[7] = '-';
  two(civil.day, out + 8);
}

// Writes the decimal digits of a non-negative value; returns the count.
int UnsignedDigits(uint64_t value, char* out) {
  char reversed[20];
  int count = 0;
  do {
    reversed[count++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  for (int i = 0; i < count; ++i) out[i] = reversed[count - 1 - i];
  return count;
}

}  // namespace

NdjsonWriter::NdjsonWriter(const HistoryClock& clock, const Sink& sink)
    : clock_(clock), sink_(sink) {
  // One day before the history (western zones start it on the previous UTC day) to well
  // after it (deadlines).
  first_utc_day_ = clock.first_date().days - 1;
  const int64_t count = clock.day_count() + 200;
  utc_dates_.resize(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    FormatCivil(CivilFromDate(LocalDate{static_cast<int32_t>(first_utc_day_ + i)}),
                utc_dates_[static_cast<size_t>(i)].data());
  }
  buffer_.reserve(kChunkBytes + 4096);
}

NdjsonWriter& NdjsonWriter::String(std::string_view text) {
  buffer_.push_back('"');
  for (char c : text) {
    if (c == '"' || c == '\\') {
      buffer_.push_back('\\');
      buffer_.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      fmt::format_to(fmt::appender(buffer_), "\\u{:04x}", static_cast<int>(c));
    } else {
      buffer_.push_back(c);
    }
  }
  buffer_.push_back('"');
  return *this;
}

NdjsonWriter& NdjsonWriter::Id(char prefix, int64_t number) {
  char text[24];
  text[0] = '"';
  text[1] = prefix;
  int n = UnsignedDigits(static_cast<uint64_t>(number), text + 2);
  text[2 + n] = '"';
  buffer_.append(text, text + 3 + n);
  return *this;
}

NdjsonWriter& NdjsonWriter::Int(int64_t value) {
  char text[24];
  int n = 0;
  if (value < 0) {
    text[n++] = '-';
    n += UnsignedDigits(0 - static_cast<uint64_t>(value), text + 1);
  } else {
    n = UnsignedDigits(static_cast<uint64_t>(value), text);
  }
  buffer_.append(text, text + n);
  return *this;
}

NdjsonWriter& NdjsonWriter::Money(int64_t minor) {
  char text[32];
  int n = 0;
  text[n++] = '"';
  uint64_t magnitude = static_cast<uint64_t>(minor);
  if (minor < 0) {
    text[n++] = '-';
    magnitude = 0 - magnitude;
  }
  n += UnsignedDigits(magnitude / 100, text + n);
  text[n++] = '.';
  text[n++] = static_cast<char>('0' + magnitude % 100 / 10);
  text[n++] = static_cast<char>('0' + magnitude % 10);
  text[n++] = '"';
  buffer_.append(text, text + n);
  return *this;
}

NdjsonWriter& NdjsonWriter::Time(int64_t t) {
  const int64_t utc = clock_.UtcSeconds(t);
  const int64_t utc_day =
      utc >= 0 ? utc / kSecondsPerDay : (utc - kSecondsPerDay + 1) / kSecondsPerDay;
  const int64_t second_of_day = utc - utc_day * kSecondsPerDay;
  char text[24];
  text[0] = '"';
  const int64_t index = utc_day - first_utc_day_;
  if (index >= 0 && index < static_cast<int64_t>(utc_dates_.size())) {
    const auto& date = utc_dates_[static_cast<size_t>(index)];
    std::copy(date.begin(), date.end(), text + 1);
  } else {
    FormatCivil(CivilFromDate(LocalDate{static_cast<int32_t>(utc_day)}), text + 1);
  }
  const int hour = static_cast<int>(second_of_day / 3600);
  const int minute = static_cast<int>(second_of_day / 60 % 60);
  const int second = static_cast<int>(second_of_day % 60);
  text[11] = 'T';
  text[12] = static_cast<char>('0' + hour / 10);
  text[13] = static_cast<char>('0' + hour % 10);
  text[14] = ':';
  text[15] = static_cast<char>('0' + minute / 10);
  text[16] = static_cast<char>('0' + minute % 10);
  text[17] = ':';
  text[18] = static_cast<char>('0' + second / 10);
  text[19] = static_cast<char>('0' + second % 10);
  text[20] = 'Z';
  text[21] = '"';
  buffer_.append(text, text + 22);
  return *this;
}

NdjsonWriter& NdjsonWriter::Date(int64_t t) {
  char text[12];
  text[0] = '"';
  FormatCivil(CivilFromDate(clock_.DateOf(t)), text + 1);
  text[11] = '"';
  buffer_.append(text, text + 12);
  return *this;
}

void NdjsonWriter::Flush() {
  if (buffer_.size() == 0) return;
  sink_(std::string_view(buffer_.data(), buffer_.size()));
  buffer_.clear();
}

}  // namespace voronka::demo
