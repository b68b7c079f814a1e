#pragma once
// A double as text that reads back to the same double (17 significant digits), for attributes and progress lines
// whose numbers must survive a round trip.
#include <iomanip>
#include <sstream>
#include <string>

namespace dixc {

inline std::string round_trip_text(double x) {
  std::ostringstream o;
  o << std::setprecision(17) << x;
  return o.str();
}

}  // namespace dixc
