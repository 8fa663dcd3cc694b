#pragma once
// Locale-independent number text for charts (std::to_chars): a global locale with a decimal
// comma must not change SVG coordinates or gnuplot input.
//
//   format_fixed(0.45, 2) == "0.45";  format_general(1e-5) == "1e-05";
#include <string>

namespace adamix::reports {

std::string format_fixed(double value, int decimals);  // printf "%.*f"
std::string format_general(double value);              // printf "%g"
std::string format_exact(double value);                // shortest text that reads back exactly

}  // namespace adamix::reports
