// ParseNdjson on bad input: each error class gives its exact message with the right line, and
// every error of a batch is reported, not only the first.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "ingest/ndjson.h"

namespace voronka {
namespace {

struct ErrorCase {
  const char* line;                 // one NDJSON line, parsed as line 1
  std::vector<std::string> errors;  // exactly these, in this order
};

// A deal with every required member, to which one bad member is appended.
#define DEAL_HEAD \
  R"({"type":"deal","id":"D1","pipeline_id":"p1","stage_id":"s1","created_at":"2024-03-01T10:00:00Z",)"
#define UPDATE_HEAD R"({"type":"deal_update","id":"D1","at":"2024-03-01T10:00:00Z","set":)"

const ErrorCase kCases[] = {
    // Envelope.
    {R"({"type":"deal",)",
     {"line 1: malformed JSON (The JSON document has an improper "
      "structure: missing or superfluous commas, braces, missing keys, etc.)"}},
    {R"(["deal"])", {"line 1: a record must be a JSON object"}},
    {R"({"id":"D1"})", {"line 1: missing member 'type'"}},
    {R"({"type":7})", {"line 1: member 'type' must be a string"}},
    {R"({"type":"dael","id":"D1"})", {"line 1: unknown record type 'dael'"}},
    {R"({"type":"company","id":"c1","name":"x","event_id":""})",
     {"line 1: company: event_id must not be empty"}},
    {R"({"type":"company","id":"c1","name":"x","event_id":[1]})",
     {"line 1: company: event_id must be a string or an integer id"}},
    // Ids.
    {R"({"type":"company","id":"","name":"x"})", {"line 1: company: id must not be empty"}},
    {R"({"type":"company","id":1.5,"name":"x"})",
     {"line 1: company: id must be a string or an integer id"}},
    {R"({"type":"company","id":null,"name":"x"})", {"line 1: company: id is required"}},
    {R"({"type":"contact","id":"k1","name":"x","company_id":""})",
     {"line 1: contact: company_id must not be empty"}},
    // Required members, reported all at once.
    {R"({"type":"deal"})",
     {"line 1: deal: id is required", "line 1: deal: pipeline_id is required",
      "line 1: deal: stage_id is required", "line 1: deal: created_at is required"}},
    // Unknown members: typos are not silently ignored.
    {DEAL_HEAD R"("titel":"x"})", {"line 1: deal: unknown member 'titel'"}},
    {UPDATE_HEAD R"({"amout":"1"}})", {"line 1: deal_update: unknown member 'set.amout'"}},
    // Amounts and timestamps.
    {DEAL_HEAD R"("amount":"12,5"})", {"line 1: deal: amount '12,5' is not a decimal amount"}},
    {DEAL_HEAD R"("amount":12.345})", {"line 1: deal: amount '12.345' has more than two decimals"}},
    {DEAL_HEAD R"("amount":true})",
     {"line 1: deal: amount must be a decimal amount (a string like \"1500.00\" or a number)"}},
    {R"({"type":"deal","id":"D1","pipeline_id":"p1","stage_id":"s1","created_at":"2024-03-01 10:00"})",
     {"line 1: deal: created_at '2024-03-01 10:00' is not an RFC 3339 timestamp (like "
      "2024-03-01T10:00:00+03:00)"}},
    {R"({"type":"deal","id":"D1","pipeline_id":"p1","stage_id":"s1","created_at":1709276400})",
     {"line 1: deal: created_at must be an RFC 3339 timestamp string"}},
    {DEAL_HEAD R"("currency":"usd"})",
     {"line 1: deal: currency 'usd' is not a 3-letter currency code (like USD)"}},
    {DEAL_HEAD R"("fields":{"a":{"b":1},"c":[1]}})",
     {"line 1: deal: fields.a must be a string, number, bool, list of strings or null",
      "line 1: deal: fields.c must be a list of strings"}},
    {DEAL_HEAD R"("fields":[]})", {"line 1: deal: fields must be an object"}},
    {DEAL_HEAD R"("entity":"contract"})",
     {"line 1: deal: entity 'contract' is not one of deal|lead"}},
    // deal_update.set.
    {UPDATE_HEAD R"({}})", {"line 1: deal_update: set must name at least one member to set"}},
    {UPDATE_HEAD R"("amount"})", {"line 1: deal_update: set must be an object"}},
    {UPDATE_HEAD R"({"stage_id":"won"}})",
     {"line 1: deal_update: set.stage_id cannot be set here: stage changes are stage_change "
      "records"}},
    {UPDATE_HEAD R"({"amount":"1,5","responsible_id":""}})",
     {"line 1: deal_update: set.amount '1,5' is not a decimal amount",
      "line 1: deal_update: set.responsible_id must not be empty"}},
    {R"({"type":"task_update","id":"t1","at":"2024-03-01T10:00:00Z","set":{"deadline":"soon"}})",
     {"line 1: task_update: set.deadline 'soon' is not an RFC 3339 timestamp (like "
      "2024-03-01T10:00:00+03:00)"}},
    // Workspace.
    {R"({"type":"workspace","time_zone":"Europe/Moskva","currency":"RUR1","locale":"de","forgotten_days":0})",
     {"line 1: workspace: time_zone 'Europe/Moskva' is not an IANA time zone (like Europe/Moscow)",
      "line 1: workspace: currency 'RUR1' is not a 3-letter currency code (like RUB)",
      "line 1: workspace: locale 'de' is not one of ru|en|pl",
      "line 1: workspace: forgotten_days must be an integer >= 1"}},
    // User.
    {R"({"type":"user","id":"u1","name":"A","active":"yes","capacity":-1})",
     {"line 1: user: active must be true or false",
      "line 1: user: capacity must be an integer >= 0"}},
    {R"({"type":"user","id":"u1","name":"A","capacity":2.5})",
     {"line 1: user: capacity must be an integer >= 0"}},
    // Pipeline.
    {R"({"type":"pipeline","id":"p1","name":"P","stages":[]})",
     {"line 1: pipeline: stages must not be empty"}},
    {R"({"type":"pipeline","id":"p1","name":"P","stages":[{"id":"w","name":"W","semantic":"won"}]})",
     {"line 1: pipeline: stages must include at least one open stage"}},
    {R"({"type":"pipeline","id":"p1","name":"P","stages":[{"id":"a","name":"A","semantic":"open"},{"id":"a","name":"B","semantic":"won"}]})",
     {"line 1: pipeline: stages list stage 'a' twice"}},
    {R"({"type":"pipeline","id":"p1","name":"P","stages":[{"id":"a","name":"A","semantic":"open"},{"id":"b","semantic":"done","color":"red"}]})",
     {"line 1: pipeline: stages[1].semantic 'done' is not one of open|won|lost",
      "line 1: pipeline: unknown member 'stages[1].color'",
      "line 1: pipeline: stages[1].name is required"}},
    {R"({"type":"pipeline","id":"p1","name":"P","entity":"lead","stages":["a"]})",
     {"line 1: pipeline: a stage must be an object {\"id\", \"name\", \"semantic\"}"}},
    // Activity.
    {R"({"type":"activity","id":"a1","kind":"cal","at":"2024-03-01T10:00:00Z","direction":"both"})",
     {"line 1: activity: kind 'cal' is not one of "
      "call|email|meeting|sms|chat|webform|comment|file|nps|other",
      "line 1: activity: direction 'both' is not one of in|out|none"}},
    {R"({"type":"activity","id":"a1","kind":"nps","at":"2024-03-01T10:00:00Z"})",
     {"line 1: activity: score is required for an nps activity"}},
    {R"({"type":"activity","id":"a1","kind":"nps","at":"2024-03-01T10:00:00Z","score":11})",
     {"line 1: activity: score must be an integer from 0 to 10"}},
    {R"({"type":"activity","id":"a1","kind":"call","at":"2024-03-01T10:00:00Z","duration_s":-5})",
     {"line 1: activity: duration_s must be an integer >= 0"}},
    // Goal.
    {R"({"type":"goal","id":"g1","scope":"user","metric":"won_amount","period":"2024-13","target":"1,5"})",
     {"line 1: goal: period '2024-13' is not a period (like 2024-03, 2024-Q1 or 2024)",
      "line 1: goal: scope_id is required for a user goal",
      "line 1: goal: target '1,5' is not a decimal amount"}},
    {R"({"type":"goal","id":"g1","scope":"workspace","scope_id":"w","metric":"won_count","period":"2024-Q5","target":-1})",
     {"line 1: goal: period '2024-Q5' is not a period (like 2024-03, 2024-Q1 or 2024)",
      "line 1: goal: scope_id must be absent for a workspace goal",
      "line 1: goal: target must be a non-negative integer count for metric 'won_count'"}},
    {R"({"type":"goal","id":"g1","scope":"team","metric":"won_count","period":"2024"})",
     {"line 1: goal: scope 'team' is not one of workspace|department|user",
      "line 1: goal: target is required"}},
    // Task.
    {R"({"type":"task","id":"t1","created_at":"2024-03-01T10:00:00Z","title":5,"completed_at":"yesterday"})",
     {"line 1: task: title must be a string or null",
      "line 1: task: completed_at 'yesterday' is not an RFC 3339 timestamp (like "
      "2024-03-01T10:00:00+03:00)"}},
    // Stage change.
    {R"({"type":"stage_change","deal_id":"D1","at":"2024-03-01T10:00:00Z","to":""})",
     {"line 1: stage_change: to must not be empty"}},
};

TEST(NdjsonErrorsTest, EachErrorClassHasItsExactMessage) {
  for (const ErrorCase& c : kCases) {
    ParsedBatch batch = ParseNdjson(c.line);
    EXPECT_EQ(batch.errors, c.errors) << c.line;
    EXPECT_TRUE(batch.records.empty()) << "a record with an error must be dropped: " << c.line;
  }
}

TEST(NdjsonErrorsTest, AllErrorsOfABatchAreReportedWithTheirLines) {
  // Line 1 fine, 2 malformed, 3 blank, 4 bad amount, 5 fine, 6 unknown type, 7 (CRLF) bad time.
  std::string text =
      "{\"type\":\"company\",\"id\":\"c1\",\"name\":\"A\"}\n"
      "{\"type\":\"company\",\"id\":\"c2\"\n"
      "\n"
      "{\"type\":\"deal\",\"id\":\"D1\",\"pipeline_id\":\"p1\",\"stage_id\":\"s\","
      "\"created_at\":\"2024-03-01T10:00:00Z\",\"amount\":\"12,5\"}\n"
      "{\"type\":\"company\",\"id\":\"c3\",\"name\":\"C\"}\n"
      "{\"type\":\"dael\"}\n"
      "{\"type\":\"stage_change\",\"deal_id\":\"D1\",\"to\":\"s\",\"at\":\"2024-02-30T10:00:00Z\"}"
      "\r\n";
  ParsedBatch batch = ParseNdjson(text);
  ASSERT_EQ(batch.errors.size(), 4u);
  EXPECT_TRUE(batch.errors[0].starts_with("line 2: malformed JSON (")) << batch.errors[0];
  EXPECT_EQ(batch.errors[1], "line 4: deal: amount '12,5' is not a decimal amount");
  EXPECT_EQ(batch.errors[2], "line 6: unknown record type 'dael'");
  EXPECT_EQ(batch.errors[3],
            "line 7: stage_change: at '2024-02-30T10:00:00Z' is not an RFC 3339 timestamp (like "
            "2024-03-01T10:00:00+03:00)");
  // The good lines are still parsed (the caller decides not to store a batch with errors).
  EXPECT_EQ(batch.lines, (std::vector<int64_t>{1, 5}));
  EXPECT_FALSE(batch.ok());
}

TEST(NdjsonErrorsTest, InvalidUtf8IsMalformed) {
  ParsedBatch batch = ParseNdjson("{\"type\":\"company\",\"id\":\"c1\",\"name\":\"\xff\"}");
  ASSERT_EQ(batch.errors.size(), 1u);
  EXPECT_EQ(batch.errors[0], "line 1: malformed JSON (The input is not valid UTF-8)");
}

TEST(NdjsonErrorsTest, TrailingGarbageAfterTheObjectIsMalformed) {
  ParsedBatch batch = ParseNdjson("{\"type\":\"company\",\"id\":\"c1\",\"name\":\"x\"} {}");
  ASSERT_EQ(batch.errors.size(), 1u);
  EXPECT_TRUE(batch.errors[0].starts_with("line 1: malformed JSON (")) << batch.errors[0];
}

// Every line of a batch ends as exactly one of: a record, or one or more errors naming it.
// Checked on every prefix of a valid batch, so each line is also cut at every byte; under the
// sanitizer build this is also a cheap hunt for reads past the end of a line.
TEST(NdjsonErrorsTest, EveryCutLineIsEitherARecordOrAnError) {
  const std::string text =
      "{\"type\":\"pipeline\",\"id\":\"p1\",\"name\":\"P\",\"stages\":[{\"id\":\"a\",\"name\":"
      "\"A\","
      "\"semantic\":\"open\"}]}\n"
      "{\"type\":\"deal\",\"id\":\"D1\",\"pipeline_id\":\"p1\",\"stage_id\":\"a\",\"amount\":1.5,"
      "\"created_at\":\"2024-03-01T10:00:00+03:00\",\"fields\":{\"x\":[\"a\"],\"y\":null}}\r\n"
      "{\"type\":\"deal_update\",\"id\":\"D1\",\"at\":\"2024-03-02T10:00:00Z\","
      "\"set\":{\"source\":null,\"amount\":\"2\"}}\n"
      "{\"type\":\"goal\",\"id\":\"g\",\"scope\":\"workspace\",\"metric\":\"won_amount\","
      "\"period\":\"2024-Q1\",\"target\":\"10\"}";
  for (size_t cut = 0; cut <= text.size(); ++cut) {
    std::string_view prefix = std::string_view(text).substr(0, cut);
    ParsedBatch batch = ParseNdjson(prefix);
    std::set<int64_t> error_lines;
    for (const std::string& error : batch.errors) {
      ASSERT_TRUE(error.starts_with("line ")) << error;
      error_lines.insert(std::stoll(error.substr(5)));
    }
    int64_t line = 0;
    size_t pos = 0;
    while (pos < prefix.size()) {
      size_t end = std::min(prefix.find('\n', pos), prefix.size());
      ++line;
      bool blank = prefix.substr(pos, end - pos).find_first_not_of(" \r") == std::string::npos;
      bool parsed = std::find(batch.lines.begin(), batch.lines.end(), line) != batch.lines.end();
      bool failed = error_lines.contains(line);
      EXPECT_TRUE(blank ? !parsed && !failed : parsed != failed)
          << "cut " << cut << ", line " << line;
      pos = end + 1;
    }
    EXPECT_EQ(batch.records.size(), batch.lines.size());
  }
}

}  // namespace
}  // namespace voronka
