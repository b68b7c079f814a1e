#pragma once
// Error types shared by every layer. Library code throws; only main() turns them into messages and exit codes.
#include <stdexcept>
#include <string>

namespace dixc {

// Bad user input: malformed file, unknown element, impossible charge/multiplicity, missing basis.
// The message names the file (and line) and says what to do.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A numerical procedure (SCF, Davidson) did not reach its thresholds.
class ConvergenceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace dixc
