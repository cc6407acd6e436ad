#!/usr/bin/env bash
# Prints the machine a benchmark ran on: every figure is printed next to it.
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM," \
  "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')," \
  "$(uname -sr), $(date -u +%Y-%m-%dT%H:%MZ)"
