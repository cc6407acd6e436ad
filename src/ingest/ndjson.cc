#include "ingest/ndjson.h"

#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "ingest/member_reader.h"
#include "ingest/record_readers.h"

namespace voronka {

namespace {

using ingest::JsonObject;
using ingest::MemberReader;

using ReadFunction = void (*)(MemberReader&, JsonObject, RecordBody&);

template <typename Body, void (*Read)(MemberReader&, JsonObject, Body&)>
void ReadInto(MemberReader& in, JsonObject object, RecordBody& body) {
  Read(in, object, body.emplace<Body>());
}

struct RecordType {
  std::string_view name;
  ReadFunction read;
};

// Thirteen entries: a linear scan of short names beats hashing the "type" string.
constexpr RecordType kRecordTypes[] = {
    {"workspace", &ReadInto<WorkspaceRecord, &ingest::ReadWorkspace>},
    {"user", &ReadInto<UserRecord, &ingest::ReadUser>},
    {"department", &ReadInto<DepartmentRecord, &ingest::ReadDepartment>},
    {"pipeline", &ReadInto<PipelineRecord, &ingest::ReadPipeline>},
    {"deal", &ReadInto<DealRecord, &ingest::ReadDeal>},
    {"deal_update", &ReadInto<DealUpdateRecord, &ingest::ReadDealUpdate>},
    {"stage_change", &ReadInto<StageChangeRecord, &ingest::ReadStageChange>},
    {"activity", &ReadInto<ActivityRecord, &ingest::ReadActivity>},
    {"task", &ReadInto<TaskRecord, &ingest::ReadTask>},
    {"task_update", &ReadInto<TaskUpdateRecord, &ingest::ReadTaskUpdate>},
    {"goal", &ReadInto<GoalRecord, &ingest::ReadGoal>},
    {"company", &ReadInto<CompanyRecord, &ingest::ReadCompany>},
    {"contact", &ReadInto<ContactRecord, &ingest::ReadContact>},
};

const RecordType* FindRecordType(std::string_view name) {
  for (const RecordType& type : kRecordTypes) {
    if (type.name == name) return &type;
  }
  return nullptr;
}

// simdjson reads up to SIMDJSON_PADDING bytes past the end of its input. Lines are copied into
// one buffer that only grows, so a batch allocates it a handful of times, not once per line.
class PaddedLineBuffer {
 public:
  const char* Fill(std::string_view line) {
    size_t needed = line.size() + simdjson::SIMDJSON_PADDING;
    if (needed > capacity_) {
      capacity_ = std::max(needed, capacity_ * 2);
      data_ = std::make_unique<char[]>(capacity_);
    }
    std::memcpy(data_.get(), line.data(), line.size());
    std::memset(data_.get() + line.size(), 0, simdjson::SIMDJSON_PADDING);
    return data_.get();
  }

 private:
  std::unique_ptr<char[]> data_;
  size_t capacity_ = 0;
};

bool IsBlank(std::string_view line) {
  for (char c : line) {
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

void AddLineError(ParsedBatch& batch, int64_t line, std::string_view what) {
  std::string message = "line " + std::to_string(line) + ": ";
  message += what;
  batch.errors.push_back(std::move(message));
}

// Parses one non-blank line; appends its record or its errors to `batch`.
void ParseLine(std::string_view line, int64_t line_number, simdjson::dom::parser& parser,
               PaddedLineBuffer& buffer, ParsedBatch& batch) {
  simdjson::dom::element document;
  auto error = parser.parse(buffer.Fill(line), line.size(), false).get(document);
  if (error != simdjson::SUCCESS) {
    AddLineError(batch, line_number,
                 std::string("malformed JSON (") + simdjson::error_message(error) + ")");
    return;
  }
  JsonObject object;
  if (document.get_object().get(object) != simdjson::SUCCESS) {
    AddLineError(batch, line_number, "a record must be a JSON object");
    return;
  }
  simdjson::dom::element type_value;
  if (object.at_key("type").get(type_value) != simdjson::SUCCESS) {
    AddLineError(batch, line_number, "missing member 'type'");
    return;
  }
  std::string_view type_name;
  if (type_value.get_string().get(type_name) != simdjson::SUCCESS) {
    AddLineError(batch, line_number, "member 'type' must be a string");
    return;
  }
  const RecordType* type = FindRecordType(type_name);
  if (type == nullptr) {
    AddLineError(batch, line_number, "unknown record type '" + std::string(type_name) + "'");
    return;
  }

  MemberReader in(line_number, type->name, batch.errors);
  Record& record = batch.records.emplace_back();
  simdjson::dom::element event_id;
  if (object.at_key("event_id").get(event_id) == simdjson::SUCCESS) {
    in.OptionalId(event_id, "event_id", record.event_id);
  }
  type->read(in, object, record.body);
  if (in.failed()) {
    batch.records.pop_back();
    return;
  }
  batch.lines.push_back(line_number);
}

}  // namespace

ParsedBatch ParseNdjson(std::string_view text, int64_t first_line) {
  ParsedBatch batch;
  // One record per line at most; reserving spares the vectors their regrowth copies.
  size_t line_count = static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  batch.records.reserve(line_count);
  batch.lines.reserve(line_count);

  // Files saved by Windows tools often start with a UTF-8 byte order mark; it is not JSON.
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  if (text.starts_with(kByteOrderMark)) text.remove_prefix(kByteOrderMark.size());

  simdjson::dom::parser parser;
  PaddedLineBuffer buffer;
  int64_t line_number = first_line - 1;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (IsBlank(line)) continue;
    if (line.back() == '\r') line.remove_suffix(1);
    ParseLine(line, line_number, parser, buffer, batch);
  }
  return batch;
}

}  // namespace voronka
