#pragma once
// Message of the dixc::InputError thrown by a callable, for tests that check what an error says.
#include <gtest/gtest.h>

#include <string>

#include "dixc/util/error.hpp"

namespace dixc::test {

template <class F>
std::string input_error_message(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected dixc::InputError";
  return {};
}

}  // namespace dixc::test
