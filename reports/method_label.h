#pragma once
// Readable names for methods (a trial config without its task and seed), as the paper's rows
// name them: "Full fine-tuning", "Head only", "Adapter (r=16)", "LoRA (r=4)",
// "AdaMix adapter (r=16, M=4)", "AdaMix LoRA (r=4, M=4)".
//
//   auto labels = adamix::reports::method_labels({&trial_a, &trial_b});
//   // {"AdaMix adapter (r=16, M=4)", "AdaMix adapter (r=16, M=4, ensemble)"}
#include <string>
#include <vector>

#include "reports/run_data.h"

namespace adamix::reports {

// The label from method.module, method.size and method.experts alone.
std::string method_label(const TrialData& trial);

// One label per method, one representative trial each, in row order. Rows that would share a
// label get the settings that tell them apart, for exactly the config keys that differ among
// them ("ensemble", "no consistency", "share none", "lr=0.0001"), so every label is unique.
std::vector<std::string> method_labels(const std::vector<const TrialData*>& methods);

// The short readable form of one setting, as used in those labels: ("method.share", "none")
// -> "share none"; ("train.lr", "0.0001") -> "lr=0.0001".
std::string setting_label(const std::string& key, const std::string& value);

}  // namespace adamix::reports
