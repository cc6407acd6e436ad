#include "store/sqlite/field_json.h"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "model/json_writer.h"

namespace voronka::sqlite {

namespace {

// A string as JSON text, as every answer writes one.
void AppendJsonString(std::string_view text, std::string& out) {
  JsonWriter(out).String(text);
}

// A reader for exactly the JSON AppendFieldJson writes (plus insignificant whitespace).
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  bool AtEnd() {
    SkipSpace();
    return pos_ == text_.size();
  }
  bool Consume(char c) {
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool ConsumeWord(std::string_view word) {
    SkipSpace();
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  char Peek() {
    SkipSpace();
    return pos_ < text_.size() ? text_[pos_] : '\0';
  }
  bool ReadString(std::string& out) {
    if (!Consume('"')) return false;
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == '"') return true;
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (pos_ >= text_.size()) return false;
      char escape = text_[pos_++];
      switch (escape) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'u': {
          // Only control characters are escaped this way by the writer.
          if (pos_ + 4 > text_.size()) return false;
          unsigned code = 0;
          auto [end, ec] = std::from_chars(text_.data() + pos_, text_.data() + pos_ + 4, code, 16);
          if (ec != std::errc() || end != text_.data() + pos_ + 4 || code >= 0x80) return false;
          out.push_back(static_cast<char>(code));
          pos_ += 4;
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }
  std::string_view ReadNumberToken() {
    SkipSpace();
    size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '-' ||
            text_[pos_] == '+' || text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\t' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  std::string_view text_;
  size_t pos_ = 0;
};

Status Malformed(std::string_view json) {
  return Status::Error("stored field value is not valid: " + std::string(json));
}

}  // namespace

void AppendFieldJson(const FieldValue& value, std::string& out) {
  switch (value.kind) {
    case FieldValue::Kind::kNull:
      out += "null";
      break;
    case FieldValue::Kind::kString:
      AppendJsonString(value.text, out);
      break;
    case FieldValue::Kind::kBool:
      out += value.boolean ? "true" : "false";
      break;
    case FieldValue::Kind::kNumber:
      if (!value.text.empty()) {
        out += value.text;
      } else {
        char buffer[32];
        int length = std::snprintf(buffer, sizeof buffer, "%.17g", value.number);
        out.append(buffer, static_cast<size_t>(length));
      }
      break;
    case FieldValue::Kind::kList:
      out.push_back('[');
      for (size_t i = 0; i < value.items.size(); ++i) {
        if (i > 0) out.push_back(',');
        AppendJsonString(value.items[i], out);
      }
      out.push_back(']');
      break;
  }
}

Result<FieldValue> ParseFieldJson(std::string_view json) {
  Reader reader(json);
  FieldValue value;
  char first = reader.Peek();
  if (reader.ConsumeWord("null")) {
    value.kind = FieldValue::Kind::kNull;
  } else if (reader.ConsumeWord("true")) {
    value.kind = FieldValue::Kind::kBool;
    value.boolean = true;
  } else if (reader.ConsumeWord("false")) {
    value.kind = FieldValue::Kind::kBool;
    value.boolean = false;
  } else if (first == '"') {
    value.kind = FieldValue::Kind::kString;
    if (!reader.ReadString(value.text)) return Malformed(json);
  } else if (first == '[') {
    value.kind = FieldValue::Kind::kList;
    reader.Consume('[');
    if (!reader.Consume(']')) {
      do {
        std::string item;
        if (!reader.ReadString(item)) return Malformed(json);
        value.items.push_back(std::move(item));
      } while (reader.Consume(','));
      if (!reader.Consume(']')) return Malformed(json);
    }
  } else {
    std::string_view token = reader.ReadNumberToken();
    if (token.empty()) return Malformed(json);
    value.kind = FieldValue::Kind::kNumber;
    value.text = std::string(token);
    char* end = nullptr;
    value.number = std::strtod(value.text.c_str(), &end);
    if (end != value.text.c_str() + value.text.size()) return Malformed(json);
  }
  if (!reader.AtEnd()) return Malformed(json);
  return value;
}

}  // namespace voronka::sqlite
