// GenerateDemo: determinism, chunking, options, locales.
#include "demo/generator.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ingest/ndjson.h"

namespace voronka {
namespace {

DemoOptions Options(int64_t deals, uint64_t seed = 42, std::string locale = "ru") {
  DemoOptions options;
  options.seed = seed;
  options.deals = deals;
  options.months = 24;
  options.end_date = ParseDate("2025-11-20").value();
  options.locale = std::move(locale);
  return options;
}

std::string Generate(const DemoOptions& options) {
  std::string text;
  Status status = GenerateDemo(options, [&](std::string_view chunk) { text.append(chunk); });
  EXPECT_TRUE(status.ok()) << status.message();
  return text;
}

TEST(DemoGeneratorTest, SameSeedGivesSameBytes) {
  const std::string first = Generate(Options(300));
  const std::string second = Generate(Options(300));
  ASSERT_GT(first.size(), 100'000u);  // 300 deals with their history are well over 100 KB
  EXPECT_TRUE(first == second);
}

TEST(DemoGeneratorTest, DifferentSeedGivesDifferentHistory) {
  EXPECT_FALSE(Generate(Options(300, 42)) == Generate(Options(300, 43)));
}

TEST(DemoGeneratorTest, WritesWholeLinesInChunksOfAboutAMegabyte) {
  std::vector<size_t> sizes;
  bool whole_lines = true;
  Status status = GenerateDemo(Options(2000), [&](std::string_view chunk) {
    sizes.push_back(chunk.size());
    whole_lines = whole_lines && !chunk.empty() && chunk.back() == '\n';
  });
  ASSERT_TRUE(status.ok()) << status.message();
  // 2 000 deals are several megabytes: several chunks, each but the last just over 1 MiB
  // (a chunk is passed on as soon as a line takes it past 1 MiB).
  ASSERT_GE(sizes.size(), 3u);
  for (size_t i = 0; i + 1 < sizes.size(); ++i) {
    EXPECT_GE(sizes[i], size_t{1} << 20);
    EXPECT_LT(sizes[i], (size_t{1} << 20) + 4096);
  }
  EXPECT_TRUE(whole_lines);
}

TEST(DemoGeneratorTest, RejectsBadOptionsBeforeWritingAnything) {
  int chunks = 0;
  auto count = [&](std::string_view) { ++chunks; };
  EXPECT_EQ(GenerateDemo(Options(100, 42, "de"), count).message(),
            "unknown locale 'de' (use ru, en or pl)");
  EXPECT_FALSE(GenerateDemo(Options(0), count).ok());
  DemoOptions no_months = Options(100);
  no_months.months = 0;
  EXPECT_FALSE(GenerateDemo(no_months, count).ok());
  EXPECT_EQ(chunks, 0);
}

// The workspace record of a small history in each locale.
WorkspaceRecord WorkspaceOf(const std::string& locale) {
  const std::string text = Generate(Options(20, 42, locale));
  ParsedBatch batch = ParseNdjson(std::string_view(text).substr(0, text.find('\n')));
  EXPECT_TRUE(batch.ok()) << (batch.errors.empty() ? "" : batch.errors.front());
  if (batch.records.empty()) return {};
  return std::get<WorkspaceRecord>(batch.records.front().body);
}

TEST(DemoGeneratorTest, LocaleSetsZoneCurrencyAndWords) {
  WorkspaceRecord ru = WorkspaceOf("ru");
  EXPECT_EQ(ru.name, "ООО «Пример»");
  EXPECT_EQ(ru.time_zone, "Europe/Moscow");
  EXPECT_EQ(ru.currency, "RUB");
  EXPECT_EQ(ru.forgotten_days, 14);
  EXPECT_EQ(ru.deal_url, "https://example.bitrix24.ru/crm/deal/details/{id}/");
  WorkspaceRecord en = WorkspaceOf("en");
  EXPECT_EQ(en.time_zone, "UTC");
  EXPECT_EQ(en.currency, "USD");
  EXPECT_EQ(en.locale, "en");
  WorkspaceRecord pl = WorkspaceOf("pl");
  EXPECT_EQ(pl.time_zone, "Europe/Warsaw");
  EXPECT_EQ(pl.currency, "PLN");
  // Stage names follow the locale; stage ids do not.
  EXPECT_NE(Generate(Options(20, 42, "ru")).find(R"({"id":"taken","name":"Взял в работу")"),
            std::string::npos);
  EXPECT_NE(Generate(Options(20, 42, "pl")).find(R"({"id":"taken","name":"Przyjęta")"),
            std::string::npos);
}

}  // namespace
}  // namespace voronka
