package ml

// Stepper is the contract every algorithm of the playground keeps, so that
// a run can be drawn one visible unit of work at a time.
//
// Step advances by one unit: an assignment or an update of k-means, an E-
// or an M-step, a split, a pair of multipliers, an epoch. Done reports
// whether the run has ended by itself: converged, out of work (every stage
// run, every training set fitted), failed, or stopped because it diverged.
// Once Done, Step does nothing, so a caller may simply loop
//
//	for !s.Done() && steps < limit {
//		s.Step()
//	}
//
// An algorithm with no end of its own (gradient descent for a given number
// of epochs) is never Done; the caller decides when to stop.
//
// Failure and divergence show through accessors beside the contract, never
// through Step's signature:
//
//   - a stepper whose step can fail (an M-step whose covariance is not
//     positive definite) keeps the error, is Done, and returns it from Err;
//   - a trainer that stops when it blows up (RegressionGD,
//     LogisticRegression, MarginClassifier) reports Diverged, and Done
//     with it;
//   - the neural-network trainers keep training whatever their weights;
//     Finite reports when a learning rate too large has sent a weight to
//     ±Inf or NaN, and the caller stops.
//
// Accessors read the state without changing it and return copies, so a
// frame built from them stays valid after the next Step.
type Stepper interface {
	Step()
	Done() bool
}
