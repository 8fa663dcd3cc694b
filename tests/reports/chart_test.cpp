#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "reports/chart.h"
#include "reports/chart_gnuplot.h"

namespace adamix::reports {
namespace {

namespace fs = std::filesystem;

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

// "" when xml is a single well-formed element tree: tags balanced and properly named,
// attributes quoted and unique, no stray '<' or '&' (only the five predefined entities and
// numeric references). Otherwise what is wrong, with the offset. Enough XML for our SVG.
std::string xml_problem(const std::string& xml) {
  const auto entities_ok = [](const std::string& text) {
    for (std::size_t at = text.find('&'); at != std::string::npos; at = text.find('&', at + 1)) {
      const std::size_t end = text.find(';', at);
      if (end == std::string::npos) return false;
      const std::string name = text.substr(at + 1, end - at - 1);
      static const std::set<std::string> kNamed = {"amp", "lt", "gt", "quot", "apos"};
      if (!kNamed.count(name) && (name.size() < 2 || name[0] != '#')) return false;
    }
    return true;
  };
  const auto name_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' ||
           c == '.';
  };
  std::vector<std::string> open;
  bool root_done = false;
  std::size_t i = 0;
  while (i < xml.size()) {
    const std::size_t lt = xml.find('<', i);
    const std::string text = xml.substr(i, lt == std::string::npos ? std::string::npos : lt - i);
    if (!entities_ok(text)) return "bad '&' in text at " + std::to_string(i);
    if (open.empty() && text.find_first_not_of(" \t\r\n") != std::string::npos) {
      return "text outside the root at " + std::to_string(i);
    }
    if (lt == std::string::npos) break;
    if (xml.compare(lt, 4, "<!--") == 0) {
      const std::size_t end = xml.find("-->", lt);
      if (end == std::string::npos) return "unclosed comment";
      i = end + 3;
      continue;
    }
    std::size_t p = lt + 1;
    const bool closing = p < xml.size() && xml[p] == '/';
    if (closing) ++p;
    const std::size_t name_start = p;
    while (p < xml.size() && name_char(xml[p])) ++p;
    const std::string name = xml.substr(name_start, p - name_start);
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) {
      return "bad tag name at " + std::to_string(lt);
    }
    std::set<std::string> attributes;
    bool self_closing = false;
    while (true) {
      while (p < xml.size() && std::isspace(static_cast<unsigned char>(xml[p]))) ++p;
      if (p >= xml.size()) return "unterminated tag <" + name;
      if (xml[p] == '>') break;
      if (xml.compare(p, 2, "/>") == 0 && !closing) {
        self_closing = true;
        ++p;
        break;
      }
      if (closing) return "attributes on closing tag </" + name;
      const std::size_t attribute_start = p;
      while (p < xml.size() && name_char(xml[p])) ++p;
      const std::string attribute = xml.substr(attribute_start, p - attribute_start);
      if (attribute.empty() || p + 1 >= xml.size() || xml[p] != '=' ||
          (xml[p + 1] != '"' && xml[p + 1] != '\'')) {
        return "bad attribute in <" + name + " at " + std::to_string(p);
      }
      if (!attributes.insert(attribute).second) return "duplicate " + attribute + " in <" + name;
      const char quote = xml[p + 1];
      const std::size_t end = xml.find(quote, p + 2);
      if (end == std::string::npos) return "unterminated attribute " + attribute;
      const std::string value = xml.substr(p + 2, end - p - 2);
      if (value.find('<') != std::string::npos || !entities_ok(value)) {
        return "bad character in attribute " + attribute + " of <" + name;
      }
      p = end + 1;
    }
    i = p + 1;
    if (closing) {
      if (open.empty() || open.back() != name) return "unbalanced </" + name + ">";
      open.pop_back();
      if (open.empty()) root_done = true;
    } else {
      if (open.empty() && root_done) return "second root <" + name;
      if (self_closing) {
        if (open.empty()) root_done = true;
      } else {
        open.push_back(name);
      }
    }
  }
  if (!open.empty()) return "unclosed <" + open.back() + ">";
  return root_done ? "" : "no root element";
}

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

// The d attributes of the series lines, in order.
std::vector<std::string> line_paths(const std::string& svg) {
  std::vector<std::string> paths;
  const std::string marker = "<path class=\"series-line\" d=\"";
  for (std::size_t at = svg.find(marker); at != std::string::npos; at = svg.find(marker, at + 1)) {
    const std::size_t start = at + marker.size();
    paths.push_back(svg.substr(start, svg.find('"', start) - start));
  }
  return paths;
}

Chart sweep_chart() {
  Chart chart;
  chart.title = "Accuracy <A&B>";
  chart.x_label = "bottleneck \"size\"";
  chart.y_label = "acc's";
  chart.log_x = true;
  chart.series.push_back({"AdaMix <mix> & more",
                          {8, 16, 32, 48},
                          {0.91, 0.93, 0.94, 0.945},
                          {0.01, 0.004, 0.006, 0.002}});
  chart.series.push_back({"Adapter", {8, 16, 32, 48}, {0.90, kNan, 0.92, 0.93}, {}});
  return chart;
}

Chart bar_chart() {
  Chart chart;
  chart.title = "GLUE";
  chart.kind = ChartKind::Bars;
  chart.x_categories = {"SST-2", "MNLI", "QNLI"};
  chart.series.push_back({"LoRA", {}, {0.93, 0.86, 0.91}, {}});
  chart.series.push_back({"AdaMix", {0, 1, 2}, {0.95, 0.87, 0.92}, {0.01, 0.02, 0.01}});
  return chart;
}

TEST(ChartSvg, IsWellFormedAndEscapesText) {
  const std::string svg = render_svg(sweep_chart());
  EXPECT_EQ(xml_problem(svg), "");
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(svg.find(">Accuracy &lt;A&amp;B&gt;</text>"), std::string::npos);
  EXPECT_NE(svg.find("<title>Accuracy &lt;A&amp;B&gt;</title>"), std::string::npos);
  EXPECT_NE(svg.find(">bottleneck &quot;size&quot;</text>"), std::string::npos);
  EXPECT_NE(svg.find(">acc&apos;s</text>"), std::string::npos);
  EXPECT_NE(svg.find(">AdaMix &lt;mix&gt; &amp; more</text>"), std::string::npos);
  EXPECT_NE(svg.find(">Adapter</text>"), std::string::npos);
  EXPECT_EQ(svg.find("<A&B>"), std::string::npos);
  // Self-contained: nothing to fetch or run.
  for (const char* banned : {"<script", "href", "@import", "url(", "<?xml"}) {
    EXPECT_EQ(svg.find(banned), std::string::npos) << banned;
  }
}

TEST(ChartSvg, ControlCharactersDoNotBreakXml) {
  Chart chart = sweep_chart();
  chart.title = std::string("tab\there, bell\a, newline\n") + "end";
  EXPECT_EQ(xml_problem(render_svg(chart)), "");
}

TEST(ChartSvg, OnePathPerLineSeriesAndNanBreaksIt) {
  const std::string svg = render_svg(sweep_chart());
  const std::vector<std::string> paths = line_paths(svg);
  ASSERT_EQ(paths.size(), 2u);
  EXPECT_EQ(count(svg, "<path"), 2u);  // nothing else is drawn as a path
  EXPECT_EQ(count(paths[0], "M"), 1u);
  EXPECT_EQ(count(paths[0], "L"), 3u);
  EXPECT_EQ(count(paths[1], "M"), 2u);  // 8 | NaN | 32 48: a lone point, then a segment
  EXPECT_EQ(count(paths[1], "L"), 1u);
  EXPECT_EQ(count(svg, "class=\"marker\""), 4u + 3u + 2u);  // + one per legend entry
}

TEST(ChartSvg, DistinctColoursPerSeries) {
  Chart chart;
  for (int s = 0; s < 8; ++s) {
    chart.series.push_back({"s" + std::to_string(s), {1, 2}, {1.0 * s, 2.0 * s}, {}});
  }
  const std::string svg = render_svg(chart);
  std::set<std::string> colours;
  const std::string marker = "<g class=\"series\" fill=\"";
  for (std::size_t at = svg.find(marker); at != std::string::npos; at = svg.find(marker, at + 1)) {
    colours.insert(svg.substr(at + marker.size(), 7));
  }
  EXPECT_EQ(colours.size(), 8u);
  EXPECT_EQ(colours.count("#0072B2"), 1u);  // Okabe-Ito blue first
}

TEST(ChartSvg, LogAxisTicksArePowersOfTwo) {
  const std::string svg = render_svg(sweep_chart());
  for (const char* tick : {">8</text>", ">16</text>", ">32</text>", ">64</text>"}) {
    EXPECT_NE(svg.find(tick), std::string::npos) << tick;
  }
  EXPECT_EQ(svg.find(">24</text>"), std::string::npos);

  Chart lr;
  lr.log_x = true;
  lr.series.push_back({"lr", {1e-5, 3e-4, 1e-2}, {0.5, 0.7, 0.6}, {}});
  const std::string decades = render_svg(lr);
  for (const char* tick : {">1e-05</text>", ">2e-05</text>", ">5e-05</text>", ">0.01</text>"}) {
    EXPECT_NE(decades.find(tick), std::string::npos) << tick;
  }
}

TEST(ChartSvg, LogAxisSkipsNonPositiveX) {
  Chart chart = sweep_chart();
  chart.series[0].x[0] = 0.0;
  const std::vector<std::string> paths = line_paths(render_svg(chart));
  EXPECT_EQ(count(paths[0], "L"), 2u);
}

TEST(ChartSvg, BarsDrawOneRectPerCategoryAndSeries) {
  Chart chart = bar_chart();
  std::string svg = render_svg(chart);
  EXPECT_EQ(xml_problem(svg), "");
  EXPECT_EQ(count(svg, "class=\"bar\""), 6u);
  EXPECT_EQ(count(svg, "<path"), 0u);
  for (const char* name : {">SST-2</text>", ">MNLI</text>", ">QNLI</text>"}) {
    EXPECT_NE(svg.find(name), std::string::npos) << name;
  }
  EXPECT_EQ(count(svg, "class=\"error-bars\""), 1u);      // the AdaMix series only
  EXPECT_NE(svg.find(">0.0</text>"), std::string::npos);  // bars start from 0

  chart.series[1].y[1] = kNan;
  svg = render_svg(chart);
  EXPECT_EQ(count(svg, "class=\"bar\""), 5u);
}

TEST(ChartSvg, ErrorBarsOnlyWhenSet) {
  const std::string with = render_svg(sweep_chart());
  EXPECT_EQ(count(with, "class=\"error-bars\""), 1u);  // the Adapter series has none
  Chart chart = sweep_chart();
  chart.series[0].y_error.clear();
  EXPECT_EQ(render_svg(chart).find("error-bars"), std::string::npos);

  Chart points = sweep_chart();
  points.kind = ChartKind::Points;
  const std::string svg = render_svg(points);
  EXPECT_EQ(count(svg, "<path"), 0u);
  EXPECT_EQ(count(svg, "class=\"error-bars\""), 1u);
}

TEST(ChartSvg, ConstantAndEmptyChartsStillRender) {
  Chart flat;
  flat.series.push_back({"flat", {1, 2, 3}, {0.5, 0.5, 0.5}, {}});
  const std::string svg = render_svg(flat);
  EXPECT_EQ(xml_problem(svg), "");
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_EQ(svg.find("inf"), std::string::npos);
  EXPECT_GE(count(svg, "<text"), 3u);

  Chart empty;
  empty.series.push_back({"all NaN", {1, 2}, {kNan, kNan}, {}});
  EXPECT_EQ(xml_problem(render_svg(empty)), "");
  EXPECT_EQ(xml_problem(render_svg(Chart{})), "");
}

TEST(ChartSvg, SameChartSameBytes) {
  const Chart chart = sweep_chart();
  const Chart copy = chart;
  EXPECT_EQ(render_svg(chart), render_svg(copy));
  EXPECT_EQ(render_svg(bar_chart(), 800, 500), render_svg(bar_chart(), 800, 500));
  EXPECT_NE(render_svg(chart, 640, 400), render_svg(chart, 800, 400));
}

TEST(ChartSvg, MalformedChartsThrow) {
  Chart chart = sweep_chart();
  chart.series[1].y.pop_back();
  EXPECT_THROW(render_svg(chart), Error);

  chart = sweep_chart();
  chart.series[0].y_error = {0.1};
  EXPECT_THROW(render_svg(chart), Error);

  chart = bar_chart();
  chart.series[1].x[1] = 1.5;
  EXPECT_THROW(render_svg(chart), Error);
  chart.series[1].x[1] = 3;  // only 3 named categories
  EXPECT_THROW(render_svg(chart), Error);

  EXPECT_THROW(render_svg(sweep_chart(), 100, 400), Error);
}

// A private folder for one test, removed afterwards.
class ScratchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "chart_test_XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Puts an executable `gnuplot` that runs body (sh) first on PATH.
  void fake_gnuplot(const std::string& body) {
    const fs::path bin = dir_ / "bin";
    fs::create_directories(bin);
    std::ofstream(bin / "gnuplot") << "#!/bin/sh\n" << body << "\n";
    fs::permissions(bin / "gnuplot", fs::perms::owner_all);
    path_.emplace(bin.string());
  }

  // Sets PATH for the test, restores it afterwards even when an assertion fails.
  struct PathGuard {
    std::optional<std::string> saved;
    explicit PathGuard(const std::string& path) {
      if (const char* old = std::getenv("PATH")) saved = old;
      ::setenv("PATH", path.c_str(), 1);
    }
    ~PathGuard() {
      if (saved)
        ::setenv("PATH", saved->c_str(), 1);
      else
        ::unsetenv("PATH");
    }
  };

  fs::path dir_;
  std::optional<PathGuard> path_;
};

std::string file_head(const fs::path& path, std::size_t n) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes(n, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(n));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  return bytes;
}

TEST_F(ScratchTest, WritesPngThroughGnuplot) {
  Chart labels = sweep_chart();
  labels.title = "it's _{sub}^{sup} @ & \\n \"quoted\"";
  labels.series[1].label = "Ada'Mix\nnewline";
  Chart points = sweep_chart();
  points.kind = ChartKind::Points;
  Chart negative = bar_chart();
  negative.series[0].y[2] = -0.2;
  Chart no_markers = sweep_chart();
  no_markers.markers = false;
  no_markers.log_x = false;
  Chart empty;
  empty.series.push_back({"all NaN", {1, 2}, {kNan, kNan}, {0.1, 0.1}});

  const std::vector<Chart> charts = {sweep_chart(), bar_chart(), labels, points,
                                     negative,      no_markers,  empty,  Chart{}};
  for (std::size_t c = 0; c < charts.size(); ++c) {
    const fs::path out = dir_ / ("chart_" + std::to_string(c) + ".png");
    bool written = false;
    ASSERT_NO_THROW(written = write_png(charts[c], out)) << "chart " << c;
    if (!written) GTEST_SKIP() << "gnuplot is not installed";
    EXPECT_EQ(file_head(out, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << "chart " << c;
    EXPECT_FALSE(fs::exists(out.string() + ".partial"));
  }
}

TEST_F(ScratchTest, ReturnsFalseWithoutGnuplot) {
  fs::create_directories(dir_ / "empty");
  path_.emplace((dir_ / "empty").string());
  const fs::path out = dir_ / "chart.png";
  EXPECT_FALSE(write_png(sweep_chart(), out));
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(ScratchTest, ThrowsIoErrorWhenGnuplotFails) {
  fake_gnuplot("echo 'line 3: undefined variable: boom' >&2\nexit 3");
  const fs::path out = dir_ / "chart.png";
  try {
    write_png(sweep_chart(), out);
    FAIL() << "no IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("exited with 3"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("undefined variable: boom"), std::string::npos);
  }
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(ScratchTest, ThrowsIoErrorWhenGnuplotWritesNoPng) {
  fake_gnuplot("exit 0");  // succeeds but draws nothing
  EXPECT_THROW(write_png(sweep_chart(), dir_ / "chart.png"), IoError);
  EXPECT_FALSE(fs::exists(dir_ / "chart.png"));
}

TEST(ChartGnuplot, QuotesAndBreaksLines) {
  EXPECT_EQ(gnuplot_quote("it's\nfine"), "'it''s fine'");
  const Chart chart = sweep_chart();
  EXPECT_EQ(gnuplot_data(chart, 1), "8 0.9\n\n32 0.92\n48 0.93\n");
  EXPECT_EQ(gnuplot_data(chart, 0).substr(0, 12), "8 0.91 0.01\n");
  const std::string script = gnuplot_script(chart, 640, 400, "/tmp/x.png", "/tmp");
  EXPECT_NE(script.find("set logscale x 2"), std::string::npos);
  EXPECT_NE(script.find("set xtics ('8' 8, '16' 16, '32' 32, '64' 64)"), std::string::npos);
  EXPECT_NE(script.find("with yerrorlines"), std::string::npos);
  EXPECT_NE(script.find("title 'AdaMix <mix> & more'"), std::string::npos);
  EXPECT_NE(script.find("pngcairo"), std::string::npos);
}

}  // namespace
}  // namespace adamix::reports
