#pragma once
// Internal to the renderers: number formatting and cell text shared by every format.
#include <functional>
#include <string>

#include "reports/table.h"

namespace adamix::reports {

using Escape = std::function<std::string(const std::string&)>;

struct Symbols {
  const char* plus_minus;  // " ± ", " $\pm$ "
  const char* missing;     // "—", "---"
};

// & < > " ' as HTML entities: safe in text and in attribute values.
std::string escape_html(const std::string& text);
// Scaled and rounded as the column shows it: 0.8534 -> "85.3" (default), 8.7712 -> "8.77" (NIST).
std::string format_score(double raw, const MetricFormat& format = {});
// A cell of `column` as displayed, without bold: "85.3 ± 1.2 (1 failed)", "running", "—".
// Text cells and notes go through `escape`; the symbols do not.
std::string cell_display(const Cell& cell, const Column& column, const Symbols& symbols,
                         const Escape& escape);
// "sweep: demo; software: adamix 0.1.0; ...", unescaped.
std::string footer_text(const Table& table);
// The header of a column in a single header row: "MRPC Acc", "Avg.".
std::string flat_header(const Column& column);

}  // namespace adamix::reports
