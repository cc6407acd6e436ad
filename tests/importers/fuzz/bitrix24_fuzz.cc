// libFuzzer target: a page of a Bitrix24 dump (see dump_fuzz.h for the input's form).
#include <unistd.h>

#include "dump_fuzz.h"
#include "importers/bitrix24_dump.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static voronka::fuzz::ScratchDump dump("bitrix24");
  dump.Run(data, size,
           [](const std::string& dir) { return voronka::ReadBitrix24Dump(dir, {}); });
  return 0;
}
