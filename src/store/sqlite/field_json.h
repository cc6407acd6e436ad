// Custom-field values as the JSON text kept in deal_fields.value_json: the value as it came
// (null, "string", 12.50, true, ["a","b"]), readable by any SQL tool with json_extract.
#pragma once

#include <string>
#include <string_view>

#include "model/records.h"
#include "model/status.h"

namespace voronka::sqlite {

// Appends the JSON text of `value` to `out`. A number is written as its original text
// (FieldValue::text) so it comes back digit for digit; without one, as the shortest exact double.
void AppendFieldJson(const FieldValue& value, std::string& out);

// Parses text written by AppendFieldJson back into the same FieldValue.
Result<FieldValue> ParseFieldJson(std::string_view json);

}  // namespace voronka::sqlite
