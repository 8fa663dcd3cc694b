#pragma once
// The figures of `adamix report`, as charts (reports/chart.h) drawn from a loaded run and its
// tables: learning curves per task (the dev main metric and the training loss against the
// step, one line per method, averaged over its seeds), then one chart per ablation table: a
// numeric axis (bottleneck size, expert count, consistency weight) as lines with the sd over
// seeds as error bars, a categorical one (routing at inference, merge vs ensemble, sharing) as
// grouped bars. Tasks whose mixtures logged expert diagnostics also get the experts' mean |Δ|,
// their mean pairwise cosine, and the training CE and consistency terms against the step.
//
//   for (const auto& f : report_figures(data, tables)) write(f.name + ".svg", render_svg(f.chart));
#include <string>
#include <vector>

#include "reports/chart.h"
#include "reports/run_data.h"
#include "reports/table.h"

namespace adamix::reports {

struct Figure {
  std::string name;     // file stem: "curve-dev-sst2", "loss-sst2", "ablation-experts"
  std::string caption;  // one sentence saying what is drawn
  Chart chart;
};

std::vector<Figure> report_figures(const RunData& data, const std::vector<Table>& tables);

}  // namespace adamix::reports
