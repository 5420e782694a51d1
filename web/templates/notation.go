package templates

// Symbol is one row of the course's notation: every explanation, plot
// label and step note uses the symbol for this meaning and no other.
// docs/notation.md holds the same table (TestNotationDoc keeps them one).
type Symbol struct{ Symbol, Meaning, Where string }

// Notation is the course's one table of symbols, served at /notation.
var Notation = []Symbol{
	{"x = (x₁, x₂, …)", "one sample's d features; x₁ and x₂ are the two axes of a map", "every data plot"},
	{"y", "the target: a number (regression) or a class label (classification)", ""},
	{"ŷ", "the model's prediction", "overfitting, linear regression, backprop"},
	{"n, d", "number of samples, number of features", ""},
	{"w, wⱼ", "weights; wᵀx is the weighted sum of the features", "regressions, logistic, perceptron, SVM, networks"},
	{"b", "bias (intercept): ŷ = wᵀx + b", "every linear model; the SVM writes f(x) = wᵀx − b"},
	{"W, Wₗ", "weight matrix of a network layer l", "neural network, vanishing gradient"},
	{"θ", "all parameters of a model taken together, θ = (w, b) or every weight of a network: the point an optimiser moves", "linear regression (θ = (b, w)), optimizers, EM"},
	{"L", "loss: of one sample, or averaged over the training set", "losses, backprop, networks"},
	{"J", "objective: the loss plus a penalty, J = L + λ·Ω(w)", "regularisation, logistic, networks"},
	{"η", "learning rate: w ← w − η·∂L/∂w", "every gradient-descent scenario"},
	{"λ", "penalty strength (L2: λ‖w‖², L1: λ‖w‖₁)", "overfitting, regularisation, logistic, neural network, dropout"},
	{"λₖ", "k-th eigenvalue of a covariance matrix (the one other use of λ, always with its index)", "PCA, EM's ellipses"},
	{"h", "the largest curvature of a quadratic loss (gradient descent is stable for η < 2/h)", "linear regression"},
	{"σ", "the sigmoid σ(t) = 1/(1 + exp(−t)); with an index, a standard deviation", "activations, backprop"},
	{"g(z)", "the logistic function as a probability, p(y = 1 ∣ x) = g(wᵀx + b)", "logistic regression"},
	{"zⱼ, hⱼ", "a unit's weighted sum and its activation, hⱼ = σ(zⱼ)", "backprop, networks"},
	{"δ", "∂L/∂z of a unit, the error the backward pass carries", "backprop"},
	{"α, C", "SVM dual coefficients and the soft-margin cost", "SVM"},
	{"μ, Σ", "a mean and a covariance matrix", "EM, naive Bayes, PCA"},
	{"K", "number of clusters or classes", "K-means, EM, softmax"},
}
