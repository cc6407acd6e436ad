#include "demo/customers.h"

namespace voronka::demo {

CustomerBook::CustomerBook(int64_t deals, const Vocabulary& words) : words_(words) {
  company_count_ = 30 + deals * 62 / 100;
  supplier_count_ = 10 + deals / 1000;
  person_count_ = 20 + deals * 12 / 100;
  next_company_ = supplier_count_;
  owners_.assign(static_cast<size_t>(company_count_ + person_count_), -1);
}

void CustomerBook::Write(NdjsonWriter& out) const {
  for (int64_t c = 0; c < company_count_; ++c) {
    out.Raw(R"({"type":"company","id":)").Id('c', c + 1).Raw(R"(,"name":)");
    out.String(CompanyName(words_, static_cast<uint64_t>(c))).Raw("}");
    out.EndLine();
  }
  for (int64_t k = 0; k < company_count_ + person_count_; ++k) {
    out.Raw(R"({"type":"contact","id":)").Id('k', k + 1).Raw(R"(,"name":)");
    // Offset from the managers' indexes so customers do not share the managers' names.
    out.String(PersonName(words_, static_cast<uint64_t>(k) * 13 + 101)).Raw(R"(,"company_id":)");
    if (k < company_count_) {
      out.Id('c', k + 1);
    } else {
      out.Raw("null");
    }
    out.Raw("}");
    out.EndLine();
  }
}

Party CustomerBook::Supplier(Random& random) const {
  const int64_t c = static_cast<int64_t>(random.Below(static_cast<uint64_t>(supplier_count_)));
  return Party{c, c, c};
}

Party CustomerBook::NewCompany(Random& random) {
  int64_t c = next_company_ < company_count_
                  ? next_company_++
                  : supplier_count_ + static_cast<int64_t>(random.Below(
                                          static_cast<uint64_t>(company_count_ - supplier_count_)));
  // Some company deals are filed without a contact person.
  return Party{c, random.Chance(0.85) ? c : -1, c};
}

Party CustomerBook::NewPerson(Random& random) {
  int64_t j = next_person_ < person_count_
                  ? next_person_++
                  : static_cast<int64_t>(random.Below(static_cast<uint64_t>(person_count_)));
  const int64_t contact = company_count_ + j;
  return Party{-1, contact, contact};
}

std::optional<Party> CustomerBook::RepeatCustomer(int64_t t, Random& random) const {
  if (wins_.empty()) return std::nullopt;
  // Wins are recorded roughly in time order; a few tries find one that closed before `t`.
  for (int attempt = 0; attempt < 4; ++attempt) {
    const Win& win = wins_[random.Below(wins_.size())];
    if (win.at < t) {
      if (win.key < company_count_) return Party{win.key, win.key, win.key};
      return Party{-1, win.key, win.key};
    }
  }
  return std::nullopt;
}

void CustomerBook::RecordWin(const Party& party, int64_t at, int32_t manager) {
  wins_.push_back(Win{party.key, at});
  int32_t& owner = owners_[static_cast<size_t>(party.key)];
  if (owner < 0) owner = manager;
}

int32_t CustomerBook::RegionOf(const Party& party) const {
  // A fixed scatter so neighbouring ids do not share a region.
  return static_cast<int32_t>(static_cast<uint64_t>(party.key) * 2654435761u % 1000 *
                              words_.regions.size() / 1000);
}

}  // namespace voronka::demo
