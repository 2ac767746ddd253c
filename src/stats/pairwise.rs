//! Order statistics of the pairwise differences `x_i - y_j`, without materializing them.
