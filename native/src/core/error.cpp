#include "core/error.h"

#include <string>

namespace irk {
namespace {
thread_local std::string last_error;
}

irk_status set_last_error(irk_status status, const char* where, const char* msg) {
  try {
    last_error = std::string(where) + ": " + msg;
  } catch (...) {
    // Keep the status even if the message cannot be stored.
  }
  return status;
}

}  // namespace irk

extern "C" const char* irk_last_error(void) { return irk::last_error.c_str(); }

extern "C" const char* irk_version(void) { return IRKIT_VERSION_STRING; }
