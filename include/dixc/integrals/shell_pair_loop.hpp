#pragma once
// The loop every integral table shares: visit(engine, a, b) for each shell pair b <= a of `n_shells`, in
// parallel over the OpenMP threads (dynamic schedule: pairs differ widely in cost), each thread with its own copy
// of `prototype` (libint2 engines are not thread-safe). visit must write only its own pair's elements.
// Include only in translation units that already instantiate libint2::Engine (see one_body.cpp).
#include <cstddef>

#include <libint2/engine.h>

namespace dixc::integrals {

template <class Visit>
void for_each_shell_pair(const libint2::Engine& prototype, std::size_t n_shells, Visit&& visit) {
#pragma omp parallel
  {
    libint2::Engine engine = prototype;
#pragma omp for schedule(dynamic)
    for (std::size_t a = 0; a < n_shells; ++a)
      for (std::size_t b = 0; b <= a; ++b) visit(engine, a, b);
  }
}

}  // namespace dixc::integrals
