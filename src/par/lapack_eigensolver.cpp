#include <stdexcept>
#include <string>
#include <vector>

#include "dixc/par/eigensolver.hpp"

extern "C" void dsyevd_(const char* jobz, const char* uplo, const int* n, double* a, const int* lda, double* w,
                        double* work, const int* lwork, int* iwork, const int* liwork, int* info);

namespace dixc::par {

void LapackEigensolver::solve(const Eigen::MatrixXd& a, Eigen::VectorXd& w, Eigen::MatrixXd& v) const {
  const int n = static_cast<int>(a.rows());
  v = a;
  w.resize(n);
  if (n == 0) return;
  int info = 0, lwork = -1, liwork = -1, iwork_query = 0;
  double work_query = 0.0;
  dsyevd_("V", "L", &n, v.data(), &n, w.data(), &work_query, &lwork, &iwork_query, &liwork, &info);
  lwork = static_cast<int>(work_query);
  liwork = iwork_query;
  std::vector<double> work(lwork);
  std::vector<int> iwork(liwork);
  dsyevd_("V", "L", &n, v.data(), &n, w.data(), work.data(), &lwork, iwork.data(), &liwork, &info);
  if (info != 0) throw std::runtime_error("LAPACK dsyevd failed with info = " + std::to_string(info));
}

}  // namespace dixc::par
