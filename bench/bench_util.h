// Small pieces every benchmark program uses: wall-clock and thread CPU seconds, the median of
// runs, the value of a command-line option, and the machine line printed before any figure.
#pragma once

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace voronka {

using BenchClock = std::chrono::steady_clock;

inline double Seconds(BenchClock::time_point since) {
  return std::chrono::duration<double>(BenchClock::now() - since).count();
}

// CPU seconds the calling thread has used: next to a wall-clock figure, it tells the work from
// the waiting for a core on a shared machine.
inline double ThreadCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

inline double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// The value after option argv[i] (advancing i); exits naming the option when there is none.
inline std::string OptionValue(int argc, char** argv, int& i) {
  if (i + 1 >= argc) {
    std::fprintf(stderr, "%s needs a value\n", argv[i]);
    std::exit(2);
  }
  return argv[++i];
}

// The value of the line starting with `key` in a /proc file of "key: value" lines ("?" when
// there is none).
inline std::string ProcField(const char* path, const char* key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) {
      size_t colon = line.find(':');
      size_t start = line.find_first_not_of(" \t", colon + 1);
      return start == std::string::npos ? "" : line.substr(start);
    }
  }
  return "?";
}

// Prints the machine the figures are measured on: cores, memory, processor.
inline void PrintMachine() {
  std::printf("machine: %u cores, %s RAM, %s\n", std::thread::hardware_concurrency(),
              ProcField("/proc/meminfo", "MemTotal").c_str(),
              ProcField("/proc/cpuinfo", "model name").c_str());
}

}  // namespace voronka
