#pragma once
// A duration in seconds as text for progress lines and ETAs: seconds below 2 minutes, minutes below 2 hours, else
// hours (one decimal).
#include <iomanip>
#include <sstream>
#include <string>

namespace dixc {

inline std::string duration_text(double seconds) {
  std::ostringstream o;
  o << std::fixed;
  if (seconds < 120)
    o << std::setprecision(0) << seconds << " s";
  else if (seconds < 7200)
    o << std::setprecision(1) << seconds / 60 << " min";
  else
    o << std::setprecision(1) << seconds / 3600 << " h";
  return o.str();
}

}  // namespace dixc
