// How far a long command is, on stderr: a bar redrawn in place on a terminal, plain log lines
// otherwise (a pipe, a file, CI logs), so that a log never fills with carriage returns.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace voronka::cli {

class ProgressLine {
 public:
  // `terminal`: draw a bar; by default whether stderr is one.
  explicit ProgressLine(std::FILE* out = stderr);
  ProgressLine(std::FILE* out, bool terminal) : out_(out), terminal_(terminal) {}
  ~ProgressLine() { Finish(); }

  // `done` of `known` units (known may still grow), with a note such as the current method.
  void Update(int64_t done, int64_t known, const std::string& unit, const std::string& note);
  // Ends the bar's line, so that what is printed next starts on a line of its own.
  void Finish();

  // The text of one update: "[########------------]  120/450 pages  crm.deal.list".
  static std::string Bar(int64_t done, int64_t known, const std::string& unit,
                         const std::string& note, int width);

 private:
  std::FILE* out_;
  bool terminal_;
  bool drawn_ = false;
};

}  // namespace voronka::cli
