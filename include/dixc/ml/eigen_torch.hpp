#pragma once
// Copies between Eigen (column-major, float64) and torch tensors (row-major, kDouble), in the layout each side
// expects: an Eigen (rows x cols) matrix is the torch (rows, cols) tensor with the same elements.
#include <torch/torch.h>
#include <Eigen/Dense>

namespace dixc::ml {

inline torch::Tensor to_tensor(const Eigen::VectorXd& v) {
  return torch::from_blob(const_cast<double*>(v.data()), {v.size()}, torch::kDouble).clone();
}

template <int Cols>
torch::Tensor to_tensor(const Eigen::Matrix<double, Eigen::Dynamic, Cols>& m) {
  return torch::from_blob(const_cast<double*>(m.data()), {m.cols(), m.rows()}, torch::kDouble).t().contiguous();
}

// The first n elements of a 1-D tensor; an undefined tensor (autograd's "no dependence") is n zeros.
inline Eigen::VectorXd to_eigen(const torch::Tensor& t, Eigen::Index n) {
  if (!t.defined()) return Eigen::VectorXd::Zero(n);
  const torch::Tensor c = t.detach().contiguous();
  return Eigen::Map<const Eigen::VectorXd>(c.data_ptr<double>(), n);
}

inline Eigen::MatrixXd to_eigen_matrix(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().t().contiguous();  // (cols, rows) row-major = column-major (rows, cols)
  return Eigen::Map<const Eigen::MatrixXd>(c.data_ptr<double>(), t.size(0), t.size(1));
}

}  // namespace dixc::ml
