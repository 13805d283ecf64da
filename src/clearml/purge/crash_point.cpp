#include "purge/crash_point.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace clearml_purge {

void crash_here_if_asked(const std::string& point) {
  const char* wanted = std::getenv("CLEARML_PURGE_TEST_CRASH_AFTER");
  if (wanted && point == wanted) {
    std::fprintf(stderr, "clearml-purge: CLEARML_PURGE_TEST_CRASH_AFTER=%s: simulating a crash\n", wanted);
    ::_exit(70);
  }
}

}  // namespace clearml_purge
