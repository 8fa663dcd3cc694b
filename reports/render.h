#pragma once
// Table -> text in the formats of `adamix report`. Scores print x100 with one decimal
// ("85.3 ± 1.2"; the sd only with two seeds or more), the best of a column in bold, and a cell
// without a mean says why: "failed", "running", "queued", or a dash when no trial exists.
//
//   auto table = adamix::reports::main_table(adamix::reports::load_run("runs/ablations"));
//   std::string md = adamix::reports::render(table, adamix::reports::Format::Markdown);
#include <string>

#include "reports/table.h"

namespace adamix::reports {

enum class Format { Markdown, Latex, Csv, Html };

// "md" | "markdown" | "latex" | "tex" | "csv" | "html"; ConfigError naming the accepted words.
Format parse_format(const std::string& text);
const char* file_extension(Format format);  // "md", "tex", "csv", "html"

// A "### title" heading, the caption, a pipe table, a bold partial note, the footer line.
std::string render_markdown(const Table& table);
// A booktabs tabular (\toprule \midrule \bottomrule, \cmidrule under spanning task headers),
// ready to \input inside a table float: title, caption and footer are % comments, a partial
// note is the last row. Text escaped; $\pm$; \textbf for the best. Needs \usepackage{booktabs}.
std::string render_latex(const Table& table);
// RFC 4180 (CRLF, quoted where needed): one line per row and score column with the columns
// row, <Table::key_names>, <column keys>, <Table::extra_names>, task, metric, mean, sd, n,
// status. mean and sd are raw (not x100), printed to round-trip; sd empty below two seeds.
std::string render_csv(const Table& table);
// One <table class="adamix-table[ partial]" id="adamix-NAME"> fragment: caption, thead (two
// rows when columns have groups), tbody, tfoot (partial note, footer). Text escaped; cell
// classes score, best, missing, failed, running, queued, text, label.
std::string render_html(const Table& table);

std::string render(const Table& table, Format format);

}  // namespace adamix::reports
