// Error plumbing: internal code throws irk::Error; every exported function runs inside
// irk::guard(), which turns any exception into a status and a thread-local message.
#pragma once
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <utility>

#include "irkit/irkit.h"

namespace irk {

class Error : public std::exception {
 public:
  Error(irk_status status, std::string msg) : status_(status), msg_(std::move(msg)) {}
  irk_status status() const { return status_; }
  const char* what() const noexcept override { return msg_.c_str(); }

 private:
  irk_status status_;
  std::string msg_;
};

template <class... Args>
std::string format(const char* fmt, Args... args) {
  int len = std::snprintf(nullptr, 0, fmt, args...);
  std::string out(len > 0 ? static_cast<size_t>(len) : 0, '\0');
  std::snprintf(out.data(), out.size() + 1, fmt, args...);
  return out;
}

template <class... Args>
[[noreturn]] void fail(irk_status status, const char* fmt, Args... args) {
  throw Error(status, format(fmt, args...));
}

template <class... Args>
[[noreturn]] void invalid(const char* fmt, Args... args) {
  fail(IRK_ERR_INVALID_ARGUMENT, fmt, args...);
}

irk_status set_last_error(irk_status status, const char* where, const char* msg);

// Runs body(); returns IRK_OK or the status of what it threw, with "<where>: <message>" saved.
template <class F>
irk_status guard(const char* where, F&& body) noexcept {
  try {
    body();
    return IRK_OK;
  } catch (const Error& e) {
    return set_last_error(e.status(), where, e.what());
  } catch (const std::bad_alloc&) {
    return set_last_error(IRK_ERR_OUT_OF_MEMORY, where, "out of memory");
  } catch (const std::exception& e) {
    return set_last_error(IRK_ERR_INTERNAL, where, e.what());
  } catch (...) {
    return set_last_error(IRK_ERR_INTERNAL, where, "unknown internal error");
  }
}

}  // namespace irk
