// Where a reader of many records (the store's replay at start-up) builds them: in place, in
// memory that is reused from one load chunk to the next, instead of building each record on
// its own and moving it on (a Record is ~560 bytes; its long strings are heap blocks).
#pragma once

#include <variant>

#include "model/records.h"

namespace voronka {

class RecordSlots {
 public:
  virtual ~RecordSlots() = default;
  // The record to fill next. It may still hold an earlier record's values, so that their
  // memory is reused: the reader sets the event id and every member of the body it builds.
  // Valid until Commit().
  virtual Record& Next() = 0;
  // Hands on the record Next() returned.
  virtual void Commit() = 0;

  // Hands on a record built elsewhere (moved from).
  void Put(Record& record) {
    Next() = std::move(record);
    Commit();
  }
};

// The body of `record` as a T: the T it holds (to be overwritten member by member), or a new
// one when it holds another kind.
template <typename T>
T& ReuseBody(Record& record) {
  if (T* body = std::get_if<T>(&record.body)) return *body;
  return record.body.template emplace<T>();
}

}  // namespace voronka
