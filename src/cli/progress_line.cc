#include "cli/progress_line.h"

#include <unistd.h>

#include <algorithm>

namespace voronka::cli {

ProgressLine::ProgressLine(std::FILE* out) : out_(out), terminal_(isatty(fileno(out)) == 1) {}

std::string ProgressLine::Bar(int64_t done, int64_t known, const std::string& unit,
                              const std::string& note, int width) {
  known = std::max(known, done);
  int filled = known > 0 ? static_cast<int>(done * width / known) : 0;
  std::string bar = "[" + std::string(static_cast<size_t>(filled), '#') +
                    std::string(static_cast<size_t>(width - filled), '-') + "]  " +
                    std::to_string(done) + "/" + std::to_string(known) + " " + unit;
  if (!note.empty()) bar += "  " + note;
  return bar;
}

void ProgressLine::Update(int64_t done, int64_t known, const std::string& unit,
                          const std::string& note) {
  if (terminal_) {
    // \r and clear to the end of the line: the bar is redrawn where it is.
    std::fprintf(out_, "\r%s\033[K", Bar(done, known, unit, note, 30).c_str());
    drawn_ = true;
  } else {
    std::fprintf(out_, "%lld/%lld %s%s%s\n", static_cast<long long>(done),
                 static_cast<long long>(std::max(known, done)), unit.c_str(),
                 note.empty() ? "" : ": ", note.c_str());
  }
  std::fflush(out_);
}

void ProgressLine::Finish() {
  if (!drawn_) return;
  std::fputc('\n', out_);
  std::fflush(out_);
  drawn_ = false;
}

}  // namespace voronka::cli
