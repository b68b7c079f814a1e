// GoogleTest main for the serial unit tests: libint2 needs its global tables before any integral.
#include <gtest/gtest.h>

#include "dixc/integrals/one_body.hpp"
#include "dixc/par/process_settings.hpp"

int main(int argc, char** argv) {
  dixc::par::reexec_with_process_settings(argv);
  ::testing::InitGoogleTest(&argc, argv);
  dixc::integrals::initialize_libint();
  return RUN_ALL_TESTS();
}
