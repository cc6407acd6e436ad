// Everything the demo history says in words, per locale: names of people and companies,
// pipelines and stages, departments, loss reasons, regions, products, task titles.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace voronka::demo {

// Stage and pipeline names of the four demo pipelines, in pipeline order.
struct PipelineWords {
  const char* name;
  std::span<const char* const> stages;
};

// Loss reasons, in this order everywhere (the generator draws them by index).
enum LossReason : int32_t {
  kTooExpensive,
  kNoBudget,
  kChoseCompetitor,
  kNoResponse,
  kNotRelevant,
  kLossReasonCount
};

// How a company name is put together from its parts.
enum class CompanyStyle : uint8_t {
  kQuoted,  // ООО «ТехноСнаб Плюс»
  kSpaced,  // Northwind Logistics Group LLC
  kJoined,  // Polbud Serwis sp. z o.o.
};

struct Vocabulary {
  const char* locale;
  const char* workspace_name;
  const char* time_zone;
  const char* currency;
  const char* deal_url;
  // Amounts below are written in roubles; other currencies divide by this (USD ~ 90 RUB).
  int64_t roubles_per_unit;
  std::span<const char* const> male_first_names;
  std::span<const char* const> female_first_names;
  std::span<const char* const> surnames;  // the male form; see PersonName
  std::span<const char* const> company_stems;
  std::span<const char* const> company_endings;
  std::span<const char* const> company_qualifiers;  // "" first
  std::span<const char* const> legal_forms;
  CompanyStyle company_style;
  std::span<const char* const> departments;  // sales, regional (sub), enterprise, purchasing
  PipelineWords sales;                       // the B2B pipeline
  PipelineWords purchasing;
  PipelineWords enterprise;  // long cycle, big amounts
  PipelineWords leads;
  std::span<const char* const> loss_reasons;  // indexed by LossReason
  std::span<const char* const> regions;
  std::span<const char* const> products;
  // Deal titles by kind: sale, service, repeat, enterprise, purchase, lead.
  std::span<const char* const> titles;
  std::span<const char* const> task_titles;
  // Public holidays as month * 100 + day: no one works, few deals are created.
  std::span<const int16_t> holidays;
};

// The vocabulary of "ru", "en" or "pl"; nullptr for anything else.
const Vocabulary* FindVocabulary(std::string_view locale);

// "Имя Фамилия" with the surname in the grammatical gender of the first name.
// `index` picks the combination through a hash: the same index, the same person.
std::string PersonName(const Vocabulary& words, uint64_t index);

// A company name such as "ООО «ТехноСнаб»", picked by a hash of `index`. Names repeat
// now and then in a big book, as they do in a real CRM.
std::string CompanyName(const Vocabulary& words, uint64_t index);

}  // namespace voronka::demo
