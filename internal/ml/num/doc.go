// Package num holds the small numerical helpers the algorithms of package
// ml share: matrices as rows over one backing array, finiteness checks,
// arg max, distances, log-sum-exp, the mean and standard deviation, and
// when a training loss has blown up.
//
// The log-sum-exp trick computes
//
//	log Σᵢ exp(vᵢ) = m + log Σᵢ exp(vᵢ − m),  m = maxᵢ vᵢ
//
// so that no exponential overflows and the largest term is exp(0) = 1
// (Blanchard, Higham & Higham 2021, "Accurately computing the log-sum-exp
// and softmax functions", IMA J. Numer. Anal. 41(4)).
package num
