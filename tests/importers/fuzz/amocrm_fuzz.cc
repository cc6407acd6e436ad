// libFuzzer target: a page of an amoCRM dump (see dump_fuzz.h for the input's form).
#include <unistd.h>

#include "dump_fuzz.h"
#include "importers/amocrm_dump.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static voronka::fuzz::ScratchDump dump("amocrm");
  dump.Run(data, size, [](const std::string& dir) { return voronka::ReadAmocrmDump(dir, {}); });
  return 0;
}
