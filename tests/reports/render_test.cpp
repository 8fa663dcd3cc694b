// The four formats: exact Markdown and CSV, LaTeX structure (compiled when pdflatex exists),
// well-formed HTML, escaping.
#include "reports/render.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>

#include "core/error.h"
#include "reports/tables.h"
#include "tests/reports/report_fixture_helpers.h"

namespace adamix::reports {
namespace {

namespace fs = std::filesystem;

class RenderTest : public test_util::RunDirTest {
 protected:
  std::vector<Table> tables() {
    test_util::write_run(dir_, test_util::demo_trials());
    return report_tables(load_run(dir_));
  }
};

const char kFooter[] =
    "sweep: demo; software: adamix 0.1.0 (git abc123); backbone: abababababab; newest result: "
    "2026-03-01 12:34 UTC; trials: 16 done, 2 failed, 1 running, 2 queued\n";

TEST_F(RenderTest, MainTableMarkdown) {
  const std::string expected =
      "### Main results\n\n"
      "Dev scores \xC3\x97"
      "100 at each trial's best dev step: mean \xC2\xB1 sample sd over "
      "seeds. Avg.: mean over tasks of each task's first metric. Params: trained while "
      "fine-tuning and left after merging the experts (task head excluded), with their share "
      "of the backbone.\n\n"
      "| Method | SST-2 Acc | MRPC Acc | MRPC F1 | Avg. | Params (train) | Params (merged) | "
      "Seeds |\n"
      "| :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
      "| AdaMix adapter (r=16, M=4, merged) | **95.0 \xC2\xB1 1.4 (1 running)** | "
      "87.0 \xC2\xB1 1.0 | 90.0 \xC2\xB1 1.0 | **91.0 (1 running)** | 49.9K (2.5%) | "
      "13.1K (0.653%) | 2-3 |\n"
      "| AdaMix adapter (r=16, M=2) | queued | 84.0 \xC2\xB1 1.4 | 87.0 \xC2\xB1 1.4 | queued | "
      "26.1K (1.31%) | 13.1K (0.653%) | 0-2 |\n"
      "| AdaMix adapter (r=16, M=4, ensemble) | failed | **89.0** | **92.0** | failed | "
      "49.9K (2.5%) | 13.1K (0.653%) | 0-1 |\n"
      "| Full fine-tuning | 93.0 \xC2\xB1 1.4 | 85.0 \xC2\xB1 1.4 | 89.0 \xC2\xB1 1.4 | 89.0 | "
      "2M (100%) | 2M (100%) | 2 |\n"
      "| LoRA (r=8) | 91.0 (1 failed) | 81.0 \xC2\xB1 1.4 | 86.0 \xC2\xB1 1.4 | "
      "86.0 (1 failed) | 12.3K (0.614%) | 12.3K (0.614%) | 1-2 |\n"
      "| Head only | \xE2\x80\x94 | 70.0 | 75.0 | \xE2\x80\x94 | 0 (0%) | 0 (0%) | 0-1 |\n"
      "\n**Partial: 1 running and 2 queued trials are not in these numbers yet.**\n\n" +
      std::string(kFooter);
  EXPECT_EQ(render_markdown(tables()[0]), expected);
}

TEST_F(RenderTest, AblationTableMarkdown) {
  const std::string expected =
      "### Number of experts\n\n"
      "Only method.experts varies; all else as the base, AdaMix adapter (r=16, M=4) with "
      "method.experts = 4. Dev scores \xC3\x97"
      "100 at each trial's best dev step: mean "
      "\xC2\xB1 sample sd over seeds.\n\n"
      "| M | SST-2 Acc | MRPC Acc | MRPC F1 | Avg. | Seeds |\n"
      "| :--- | ---: | ---: | ---: | ---: | ---: |\n"
      "| 4 | 95.0 \xC2\xB1 1.4 (1 running) | **87.0 \xC2\xB1 1.0** | **90.0 \xC2\xB1 1.0** | "
      "91.0 (1 running) | 2-3 |\n"
      "| 2 | queued | 84.0 \xC2\xB1 1.4 | 87.0 \xC2\xB1 1.4 | queued | 0-2 |\n"
      "\n**Partial: 1 running and 2 queued trials are not in these numbers yet.**\n\n" +
      std::string(kFooter);
  EXPECT_EQ(render_markdown(tables()[1]), expected);
}

TEST_F(RenderTest, AblationTableCsv) {
  const std::string expected =
      "row,method.experts,task,metric,mean,sd,n,status\r\n"
      "4,4,sst2,dev/accuracy,0.95,0.014142135623730963,2,done+running\r\n"
      "4,4,mrpc,dev/accuracy,0.87,0.010000000000000009,3,done\r\n"
      "4,4,mrpc,dev/f1,0.9,0.010000000000000009,3,done\r\n"
      "4,4,,average,0.9099999999999999,,2,done+running\r\n"
      "2,2,sst2,dev/accuracy,,,0,queued\r\n"
      "2,2,mrpc,dev/accuracy,0.84,0.014142135623730963,2,done\r\n"
      "2,2,mrpc,dev/f1,0.87,0.014142135623730963,2,done\r\n"
      "2,2,,average,,,0,queued\r\n";
  EXPECT_EQ(render_csv(tables()[1]), expected);
}

TEST_F(RenderTest, MainTableCsvQuotesLabelsAndCarriesParams) {
  const auto csv = render_csv(tables()[0]);
  const std::string header =
      "row,method.module,method.size,method.alpha,method.placement,method.experts,"
      "method.expert_init,method.inference,params_backbone,params_trainable,params_merged,task,"
      "metric,mean,sd,n,status\r\n";
  EXPECT_EQ(csv.substr(0, header.size()), header);
  EXPECT_NE(csv.find("\r\nLoRA (r=8),lora,8,16.0,\"[query, value]\",1,identical,merged,"
                     "2000000,12288,12288,sst2,dev/accuracy,0.91,,1,done+failed\r\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("\r\n\"AdaMix adapter (r=16, M=4, ensemble)\",adapter,16,32.0,ffn,4,"
                     "independent,ensemble,2000000,49920,13056,mrpc,dev/f1,0.92,,1,done\r\n"),
            std::string::npos);
  EXPECT_NE(csv.find("\r\nHead only,head-only,16,32.0,ffn,4,independent,merged,2000000,0,0,"
                     "sst2,dev/accuracy,,,0,missing\r\n"),
            std::string::npos)
      << csv;
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1 + 6 * 4);
}

TEST(RenderCsv, QuotesPerRfc4180) {
  Table table;
  table.columns = {{ColumnKind::Label, "", "x", "", "", {}, {}},
                   {ColumnKind::Score, "", "y", "t,1", "dev/\"q\"", {}, {}}};
  Row row;
  row.cells = {Cell::label("a \"b\", c\nd"), Cell{}};
  table.rows.push_back(row);
  EXPECT_EQ(render_csv(table),
            "row,task,metric,mean,sd,n,status\r\n"
            "\"a \"\"b\"\", c\nd\",\"t,1\",\"dev/\"\"q\"\"\",,,0,missing\r\n");
}

// A table whose text holds every character each format must escape.
Table nasty_table() {
  Table table;
  table.name = "x&y";
  table.title = "50% of a_b & {c} #1 $x ~^\\ <b>|*`";
  table.columns = {{ColumnKind::Label, "", "k_1", "", "", {}, {}},
                   {ColumnKind::Score, "T&T", "m", "t", "dev/m", {}, {}}};
  Row row;
  row.cells = {Cell::label("v<1> & \"q\" 'a'"), Cell{}};
  row.cells[1].state = CellState::Value;
  row.cells[1].mean = 0.5;
  row.cells[1].n = 1;
  table.rows.push_back(row);
  table.footer = {{"sweep", "s_1"}};
  return table;
}

TEST(RenderLatex, EscapesText) {
  const auto tex = render_latex(nasty_table());
  EXPECT_NE(tex.find("% 50% of a_b"), std::string::npos);  // comments stay verbatim
  EXPECT_NE(tex.find("\\toprule\n & T\\&T \\\\\n\\cmidrule(lr){2-2}\n"), std::string::npos) << tex;
  EXPECT_NE(tex.find("k\\_1 & m \\\\"), std::string::npos) << tex;
  EXPECT_NE(tex.find("v\\textless{}1\\textgreater{} \\& \"q\" 'a' & 50.0 \\\\"), std::string::npos)
      << tex;
  auto plain = nasty_table();
  plain.rows[0].cells[0].text = "50% a_b & {c} #1 $x ~^\\ |";
  const auto escaped = render_latex(plain);
  EXPECT_NE(escaped.find("50\\% a\\_b \\& \\{c\\} \\#1 \\$x \\textasciitilde{}"
                         "\\textasciicircum{}\\textbackslash{} \\textbar{} & 50.0"),
            std::string::npos)
      << escaped;
}

TEST_F(RenderTest, LatexIsBooktabsWithGroupsBoldAndPartialRow) {
  const auto tex = render_latex(tables()[0]);
  EXPECT_EQ(tex.rfind("% Main results\n", 0), 0u);
  EXPECT_NE(tex.find("\\begin{tabular}{lrrrrrrr}\n\\toprule\n"), std::string::npos);
  EXPECT_NE(tex.find(" & SST-2 & \\multicolumn{2}{c}{MRPC} &  &  &  &  \\\\\n"
                     "\\cmidrule(lr){2-2}\\cmidrule(lr){3-4}\n"
                     "Method & Acc & Acc & F1 & Avg. & Params (train) & Params (merged) & Seeds "
                     "\\\\\n\\midrule\n"),
            std::string::npos)
      << tex;
  EXPECT_NE(tex.find("AdaMix adapter (r=16, M=4, merged) & \\textbf{95.0 $\\pm$ 1.4 (1 running)}"),
            std::string::npos);
  EXPECT_NE(tex.find("Head only & --- & 70.0 & 75.0 & --- & 0 (0\\%) & 0 (0\\%) & 0-1 \\\\\n"),
            std::string::npos)
      << tex;
  EXPECT_NE(tex.find("\\bottomrule\n\\multicolumn{8}{l}{\\footnotesize Partial: 1 running and "
                     "2 queued trials are not in these numbers yet.} \\\\\n\\end{tabular}\n"),
            std::string::npos)
      << tex;
  std::istringstream lines(tex);  // UTF-8 symbols only in comments; pdflatex gets macros
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("%", 0) == 0) continue;
    EXPECT_EQ(line.find("\xC2\xB1"), std::string::npos) << line;
    EXPECT_EQ(line.find("\xE2\x80\x94"), std::string::npos) << line;
  }
}

TEST_F(RenderTest, LatexCompilesWhenPdflatexIsThere) {
  if (std::system("command -v pdflatex > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "pdflatex is not on PATH";
  const auto all = tables();
  std::ofstream doc(dir_ / "doc.tex");
  doc << "\\documentclass{article}\n\\usepackage[utf8]{inputenc}\n\\usepackage{booktabs}\n"
         "\\begin{document}\n";
  for (size_t i = 0; i < all.size(); ++i) {
    std::ofstream(dir_ / ("t" + std::to_string(i) + ".tex")) << render_latex(all[i]);
    doc << "\\input{t" << i << ".tex}\n\n";
  }
  std::ofstream(dir_ / "nasty.tex") << render_latex(nasty_table());
  doc << "\\input{nasty.tex}\n\\end{document}\n";
  doc.close();
  const auto command = "cd '" + dir_.string() +
                       "' && pdflatex -interaction=nonstopmode -halt-on-error doc.tex > log 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream log(dir_ / "log");
  const std::string output((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_EQ(status, 0) << output;
  EXPECT_TRUE(fs::exists(dir_ / "doc.pdf")) << output;
}

// Every tag closed in order, no stray '<' or '&' in text: enough to catch broken escaping.
std::string html_problem(const std::string& html) {
  std::vector<std::string> open;
  const std::regex tag(R"(<(/?)([a-z]+)((?:\s+[a-z-]+="[^"<>]*")*)\s*>)");
  size_t pos = 0;
  for (std::sregex_iterator it(html.begin(), html.end(), tag), end; it != end; ++it) {
    const auto text = html.substr(pos, it->position() - pos);
    if (text.find('<') != std::string::npos) return "stray '<' in: " + text;
    for (size_t amp = text.find('&'); amp != std::string::npos; amp = text.find('&', amp + 1)) {
      if (!std::regex_search(text.substr(amp), std::regex("^&(amp|lt|gt|quot|#39);")))
        return "bare '&' in: " + text;
    }
    pos = it->position() + it->length();
    const auto name = (*it)[2].str();
    if ((*it)[1].length() == 0) {
      open.push_back(name);
    } else if (open.empty() || open.back() != name) {
      return "</" + name + "> closes " + (open.empty() ? "nothing" : "<" + open.back() + ">");
    } else {
      open.pop_back();
    }
  }
  if (html.find('<', pos) != std::string::npos) return "stray '<' at the end";
  return open.empty() ? "" : "<" + open.back() + "> never closed";
}

TEST_F(RenderTest, HtmlIsWellFormedWithClassesAndGroups) {
  const auto all = tables();
  for (const auto& table : all) EXPECT_EQ(html_problem(render_html(table)), "") << table.name;
  EXPECT_EQ(html_problem(render_html(nasty_table())), "");
  EXPECT_EQ(html_problem("<table><tr></table>"), "</table> closes <tr>");

  const auto html = render_html(all[0]);
  EXPECT_EQ(html.rfind("<table class=\"adamix-table partial\" id=\"adamix-main\">\n", 0), 0u);
  EXPECT_NE(html.find("<tr><th rowspan=\"2\">Method</th><th colspan=\"1\">SST-2</th>"
                      "<th colspan=\"2\">MRPC</th><th rowspan=\"2\">Avg.</th>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<td class=\"score best\"><strong>89.0</strong></td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"missing\">\xE2\x80\x94</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"failed\">failed</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"queued\">queued</td>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"partial\" colspan=\"8\">Partial: 1 running"), std::string::npos);
  const auto nasty = render_html(nasty_table());
  EXPECT_NE(nasty.find("id=\"adamix-x&amp;y\""), std::string::npos);
  EXPECT_NE(nasty.find("v&lt;1&gt; &amp; &quot;q&quot; &#39;a&#39;"), std::string::npos);
}

TEST(RenderFormat, ParsesNamesAndRejectsOthers) {
  EXPECT_EQ(parse_format("md"), Format::Markdown);
  EXPECT_EQ(parse_format("latex"), Format::Latex);
  EXPECT_EQ(parse_format("csv"), Format::Csv);
  EXPECT_EQ(parse_format("html"), Format::Html);
  EXPECT_STREQ(file_extension(Format::Latex), "tex");
  EXPECT_THROW(parse_format("pdf"), ConfigError);
  EXPECT_EQ(render(nasty_table(), Format::Csv), render_csv(nasty_table()));
}

TEST(RenderMarkdown, EscapesCellBreakersAndEmphasis) {
  const auto md = render_markdown(nasty_table());
  EXPECT_NE(md.find("### 50% of a\\_b & {c} #1 $x ~^\\\\ \\<b\\>\\|\\*\\`\n"), std::string::npos)
      << md;
  EXPECT_NE(md.find("| v\\<1\\> & \"q\" 'a' | 50.0 |\n"), std::string::npos) << md;
}

}  // namespace
}  // namespace adamix::reports
