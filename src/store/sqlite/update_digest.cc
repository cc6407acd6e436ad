#include "store/sqlite/update_digest.h"

#include <sodium.h>

#include <cstring>

#include "store/sqlite/field_json.h"

namespace voronka::sqlite {

namespace {

void AddInt(std::string& out, int64_t value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

void AddText(std::string& out, std::string_view text) {
  AddInt(out, static_cast<int64_t>(text.size()));
  out.append(text);
}

// Member tags: absent, cleared (present-null), set.
constexpr char kAbsent = 'a';
constexpr char kCleared = 'n';
constexpr char kSet = 's';

template <typename T, typename AddValue>
void AddMember(std::string& out, const std::optional<T>& member, AddValue add_value) {
  if (!member) {
    out.push_back(kAbsent);
  } else {
    out.push_back(kSet);
    add_value(*member);
  }
}

void AddOptText(std::string& out, const std::optional<std::optional<std::string>>& member) {
  if (member && !*member) {
    out.push_back(kCleared);
    return;
  }
  AddMember(out, member, [&](const std::optional<std::string>& text) { AddText(out, *text); });
}

void AddOptInstant(std::string& out, const std::optional<std::optional<Instant>>& member) {
  if (member && !*member) {
    out.push_back(kCleared);
    return;
  }
  AddMember(out, member, [&](const std::optional<Instant>& at) { AddInt(out, at->micros); });
}

UpdateDigest Finish(const std::string& input) {
  UpdateDigest digest;
  crypto_generichash(digest.bytes, sizeof digest.bytes,
                     reinterpret_cast<const unsigned char*>(input.data()), input.size(), nullptr,
                     0);
  return digest;
}

}  // namespace

UpdateDigest DigestOf(const DealUpdateRecord& update, std::string& scratch) {
  std::string& in = scratch;
  in.clear();
  AddText(in, update.id);
  AddInt(in, update.at.micros);
  AddMember(in, update.title, [&](const std::string& title) { AddText(in, title); });
  AddMember(in, update.amount, [&](int64_t amount) { AddInt(in, amount); });
  for (const auto* member :
       {&update.responsible_id, &update.company_id, &update.contact_id, &update.source,
        &update.deal_type, &update.loss_reason, &update.converted_to}) {
    AddOptText(in, *member);
  }
  AddInt(in, static_cast<int64_t>(update.fields.size()));
  for (const CustomField& field : update.fields) {
    AddText(in, field.name);
    // The value's JSON with its length in front, patched in once the length is known.
    size_t length_at = in.size();
    AddInt(in, 0);
    AppendFieldJson(field.value, in);
    int64_t length = static_cast<int64_t>(in.size() - length_at - sizeof(int64_t));
    std::memcpy(in.data() + length_at, &length, sizeof length);
  }
  return Finish(in);
}

UpdateDigest DigestOf(const TaskUpdateRecord& update, std::string& scratch) {
  std::string& in = scratch;
  in.clear();
  AddText(in, update.id);
  AddInt(in, update.at.micros);
  AddOptInstant(in, update.completed_at);
  AddOptInstant(in, update.deadline);
  AddOptText(in, update.user_id);
  return Finish(in);
}

}  // namespace voronka::sqlite
