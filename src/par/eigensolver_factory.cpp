#include "dixc/par/eigensolver_factory.hpp"

#include "dixc/par/elpa_eigensolver.hpp"
#include "dixc/par/scalapack_eigensolver.hpp"
#include "dixc/util/error.hpp"

namespace dixc::par {

const std::vector<std::string>& eigensolver_names() {
  static const std::vector<std::string> names = {"lapack", "scalapack", "elpa"};
  return names;
}

std::unique_ptr<Eigensolver> make_eigensolver(const std::string& name, MPI_Comm comm) {
  if (name == "lapack") return std::make_unique<LapackEigensolver>();
  if (name == "scalapack") return std::make_unique<ScalapackEigensolver>(comm);
  if (name == "elpa") return std::make_unique<ElpaEigensolver>(comm);
  std::string valid;
  for (const auto& n : eigensolver_names()) valid += (valid.empty() ? "" : ", ") + n;
  throw InputError("unknown eigensolver '" + name + "': choose one of " + valid);
}

}  // namespace dixc::par
