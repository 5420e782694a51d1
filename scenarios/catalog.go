// Package scenarios lists every scenario the playground serves, in
// catalogue order. Adding a scenario: write its package (a lab.Scenario
// value and its model), then add it here.
package scenarios

import (
	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/scenarios/activations"
	"github.com/mlplayground/playground/scenarios/attention"
	"github.com/mlplayground/playground/scenarios/autoencoder"
	"github.com/mlplayground/playground/scenarios/backprop"
	"github.com/mlplayground/playground/scenarios/biasvariance"
	"github.com/mlplayground/playground/scenarios/cnnshapes"
	"github.com/mlplayground/playground/scenarios/cnntraining"
	"github.com/mlplayground/playground/scenarios/contrastive"
	"github.com/mlplayground/playground/scenarios/convolution"
	"github.com/mlplayground/playground/scenarios/crossvalidation"
	"github.com/mlplayground/playground/scenarios/decisiontree"
	"github.com/mlplayground/playground/scenarios/dropout"
	"github.com/mlplayground/playground/scenarios/gan"
	"github.com/mlplayground/playground/scenarios/gmmem"
	"github.com/mlplayground/playground/scenarios/kmeans"
	"github.com/mlplayground/playground/scenarios/languagemodel"
	"github.com/mlplayground/playground/scenarios/linearregression"
	"github.com/mlplayground/playground/scenarios/logistic"
	"github.com/mlplayground/playground/scenarios/losses"
	"github.com/mlplayground/playground/scenarios/naivebayes"
	"github.com/mlplayground/playground/scenarios/neuralnet"
	"github.com/mlplayground/playground/scenarios/optimizers"
	"github.com/mlplayground/playground/scenarios/overfitting"
	"github.com/mlplayground/playground/scenarios/paradigms"
	"github.com/mlplayground/playground/scenarios/pca"
	"github.com/mlplayground/playground/scenarios/perceptron"
	"github.com/mlplayground/playground/scenarios/qlearning"
	"github.com/mlplayground/playground/scenarios/regularization"
	"github.com/mlplayground/playground/scenarios/rnn"
	"github.com/mlplayground/playground/scenarios/selfsupervised"
	"github.com/mlplayground/playground/scenarios/svm"
	"github.com/mlplayground/playground/scenarios/transfer"
	"github.com/mlplayground/playground/scenarios/universal"
	"github.com/mlplayground/playground/scenarios/vae"
	"github.com/mlplayground/playground/scenarios/vanishing"
	"github.com/mlplayground/playground/scenarios/word2vec"
)

// Course chapters, as the catalogue groups them.
const (
	ChapterLearning       = "Learning"
	ChapterGeneralisation = "1. Learning and generalisation"
	ChapterUnsupervised   = "2. Unsupervised learning"
	ChapterClassic        = "3. Supervised learning: classic models"
	ChapterNeural         = "4. Neural networks"
	ChapterConvolutional  = "5. Convolutional networks"
	ChapterSequences      = "6. Sequences and language"
	ChapterGenerative     = "7. Representation learning and generative models"
)

// All returns the scenarios in catalogue order, grouped by chapter.
func All() []*lab.Scenario {
	return []*lab.Scenario{
		paradigms.Scenario(ChapterLearning),
		qlearning.Scenario(ChapterLearning),
		overfitting.Scenario(ChapterGeneralisation),
		biasvariance.Scenario(ChapterGeneralisation),
		crossvalidation.Scenario(ChapterGeneralisation),
		kmeans.Scenario(ChapterUnsupervised),
		gmmem.Scenario(ChapterUnsupervised),
		pca.Scenario(ChapterUnsupervised),
		linearregression.Scenario(ChapterClassic),
		regularization.Scenario(ChapterClassic),
		losses.Scenario(ChapterClassic),
		logistic.Scenario(ChapterClassic),
		decisiontree.Scenario(ChapterClassic),
		naivebayes.Scenario(ChapterClassic),
		svm.Scenario(ChapterClassic),
		perceptron.Scenario(ChapterNeural),
		universal.Scenario(ChapterNeural),
		activations.Scenario(ChapterNeural),
		neuralnet.Scenario(ChapterNeural),
		backprop.Scenario(ChapterNeural),
		optimizers.Scenario(ChapterNeural),
		dropout.Scenario(ChapterNeural),
		vanishing.Scenario(ChapterNeural),
		convolution.Scenario(ChapterConvolutional),
		cnnshapes.Scenario(ChapterConvolutional),
		cnntraining.Scenario(ChapterConvolutional),
		transfer.Scenario(ChapterConvolutional),
		word2vec.Scenario(ChapterSequences),
		rnn.Scenario(ChapterSequences),
		languagemodel.Scenario(ChapterSequences),
		attention.Scenario(ChapterSequences),
		autoencoder.Scenario(ChapterGenerative),
		vae.Scenario(ChapterGenerative),
		gan.Scenario(ChapterGenerative),
		selfsupervised.Scenario(ChapterGenerative),
		contrastive.Scenario(ChapterGenerative),
	}
}
