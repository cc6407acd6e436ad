// Status and Result<T>: how errors cross module boundaries (never exceptions).
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace voronka {

// A success, or an error with a message a person can act on.
class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(std::string message) {
    Status status;
    status.ok_ = false;
    status.message_ = std::move(message);
    return status;
  }
  // An error because a server this process depends on cannot be reached (or is overloaded)
  // right now: the request may succeed when repeated later (HTTP 503 with Retry-After).
  static Status Unavailable(std::string message) {
    Status status = Error(std::move(message));
    status.unavailable_ = true;
    return status;
  }

  bool ok() const { return ok_; }
  bool unavailable() const { return unavailable_; }
  const std::string& message() const { return message_; }

 private:
  bool ok_ = true;
  bool unavailable_ = false;
  std::string message_;
};

// A value, or the Status saying why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status error) : status_(std::move(error)) { assert(!status_.ok()); }  // NOLINT

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  const std::string& message() const { return status_.message(); }

  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace voronka
