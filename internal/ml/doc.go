// Package ml is the playground's machine learning, in one package per
// chapter of the course. It is pure numerics: no HTTP, no plotting, no
// lesson words. This package holds only the contract they all keep,
// Stepper: an algorithm is a value with explicit state, a Step that
// advances one visible unit of work and read-only accessors that return
// copies, so a caller can draw every intermediate state.
//
// The chapters:
//
//	cluster   k-means: Lloyd, mini-batch, sequential; k-means++      KMeans
//	mixture   Gaussian mixtures by EM                                GaussianMixture
//	decomp    principal component analysis                           PCA
//	linear    least squares, polynomials, ridge and lasso,           RegressionGD, PolyRegression,
//	          logistic and softmax regression, margin losses,        LogisticRegression,
//	          the perceptron                                         MarginClassifier, Perceptron
//	tree      CART decision trees, random forests                    DecisionTree, RandomForest
//	bayes     Gaussian naive Bayes                                   GaussianNB
//	svm       support vector machines by SMO                         Classifier
//	neural    multi-layer perceptrons, dropout, vanishing            Network, RegularizedNets,
//	          gradients, optimisers on loss surfaces                 MiniBatchTrainer, ShallowNet,
//	                                                                 DeepNet, SurfaceDescent
//	eval      K-fold cross-validation, bias–variance                 PolyCrossValidation,
//	                                                                 PolyBiasVariance
//	vision    image data sets (digits, generated shapes), shifts,    ImageTrainer
//	          training any classifier on images epoch by epoch
//	seq       sequence models: a transformer, RNN and LSTM          —
//	          networks, toy sequence tasks
//	autoenc   plain, denoising and variational autoencoders         Trainer
//	rl        gridworld, Q-learning, value iteration                 QLearning
//	gan       generative adversarial networks on 2-D targets,        GAN
//	          mode coverage, a histogram estimate of JS
//	dataset   generated and real data sets                           —
//	nn        the autodiff engine: tensors, a tape, layers,          —
//	          optimisers
//	num       shared numerics: log-sum-exp, arg max, finiteness      —
//
// Each package's doc.go states its formulas and their sources and lists
// its steppers. Randomness comes only from a *rand.Rand (math/rand/v2)
// passed in by the caller, so the same seed gives the same pictures.
// Programmer errors (impossible sizes, mismatched lengths of internal
// arguments) panic with an "ml: " prefix; bad user input returns an error.
//
// Expected values in the tests come from scikit-learn 1.2.1 and NumPy,
// written by the testdata/gen_*.py scripts beside the fixtures, in each
// package's testdata.
package ml
