// The demo's companies and contacts, and the memory of who has already bought: a good share of
// later won deals are repeat purchases by these earlier customers.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "demo/ndjson_writer.h"
#include "demo/random.h"
#include "demo/vocabulary.h"

namespace voronka::demo {

// Who a deal is with. Indexes are 0-based: company c is "c<c+1>", contact k is "k<k+1>".
// A company's main contact has the company's index; private persons come after all companies.
struct Party {
  int64_t company = -1;  // -1: a private person
  int64_t contact = -1;  // -1: no contact on the deal
  int64_t key = 0;       // identifies the customer: the company, or the private person's contact
};

class CustomerBook {
 public:
  // Enough companies and private persons for `deals` deals, with names from `words`.
  CustomerBook(int64_t deals, const Vocabulary& words);

  // Writes every company, then every contact.
  void Write(NdjsonWriter& out) const;

  // One of the few suppliers of the purchasing pipeline.
  Party Supplier(Random& random) const;
  // A company not seen before (an old one again once the book runs out).
  Party NewCompany(Random& random);
  // A private person not seen before: a deal with a contact and no company.
  Party NewPerson(Random& random);
  // A customer whose won deal closed before `t`, or none yet.
  std::optional<Party> RepeatCustomer(int64_t t, Random& random) const;
  // Remembers a won deal of `party` closed at `at`, handled by `manager`.
  void RecordWin(const Party& party, int64_t at, int32_t manager);
  // The manager who won the customer's first deal, or -1.
  int32_t OwnerOf(const Party& party) const { return owners_[static_cast<size_t>(party.key)]; }
  // A stable region index of the customer (for the "region" list field).
  int32_t RegionOf(const Party& party) const;

 private:
  struct Win {
    int64_t key;
    int64_t at;
  };
  const Vocabulary& words_;
  int64_t company_count_ = 0;
  int64_t supplier_count_ = 0;
  int64_t person_count_ = 0;
  int64_t next_company_ = 0;
  int64_t next_person_ = 0;
  std::vector<int32_t> owners_;  // per key
  std::vector<Win> wins_;
};

}  // namespace voronka::demo
