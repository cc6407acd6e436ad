// Small pieces every benchmark program uses: wall-clock seconds, the median of runs, the
// value of a command-line option, and the machine line printed before any figure.
#pragma once

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
