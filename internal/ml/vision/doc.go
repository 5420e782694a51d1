// Package vision is image classification for the convolutional chapter:
// image data sets as flat batches (one image a row, channels last, as nn
// lays out feature maps), a generated shapes data set, shifted copies of
// images for a translation test, and ImageTrainer, a stepper that trains
// any classifier on the nn tape one epoch at a time by mini-batch
// gradient descent on the mean cross-entropy
//
//	L = −1/n Σ_i log p_{i, y_i}
//
// and measures loss, accuracy and predictions on any set of images.
//
// The steppers: ImageTrainer.
package vision
