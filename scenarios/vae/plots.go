package vae

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"

	"github.com/mlplayground/playground/internal/viz"
	"github.com/mlplayground/playground/scenarios/internal/codeplot"
)

// Drawing limits.
const (
	// codesShown is how many training images each latent panel places.
	codesShown = 100
	// lattice is the number of latent points per side of the lattice
	// panel, spaced evenly over [−latticeMax, latticeMax].
	lattice, latticeMax = 8, 2.0
	// priorShown is how many prior samples go through each decoder.
	priorShown  = 10
	curvePoints = 80
)

func (m *model) Plot(panel string) (*plot.Plot, error) {
	switch panel {
	case "latent":
		return m.plotLatent(m.codes, "μ₁", "μ₂", true), nil
	case "ae_latent":
		return m.plotLatent(m.aeCodes, "h₁", "h₂", false), nil
	case "losses":
		return m.plotLosses(), nil
	case "lattice":
		return m.plotLattice(), nil
	case "prior":
		return m.plotPrior(), nil
	}
	return nil, fmt.Errorf("vae: no panel %q", panel)
}

// plotLatent draws codes coloured by label; the VAE's panel adds the
// prior's circles of radius 1 and 2 (σ and 2σ of N(0, I)) and the
// lattice's square, and fits them in view.
func (m *model) plotLatent(codes [][]float64, xl, yl string, prior bool) *plot.Plot {
	p := viz.NewPlot("", xl, yl)
	b := viz.Bounds(codes)
	if prior {
		for _, r := range []float64{1, 2} {
			viz.AddEllipse(p, []float64{0, 0}, [][]float64{{r * r, 0}, {0, r * r}}, 1, viz.Neutral, true)
		}
		b = b.Extend([][]float64{{-latticeMax, -latticeMax}, {latticeMax, latticeMax}})
	}
	codeplot.AddCodes(p, codes, m.trainLabels[:len(codes)], m.classNames)
	if finiteBox(b) {
		viz.SetAxes(p, codeplot.Square(b))
	}
	return p
}

func finiteBox(b viz.Box) bool {
	for _, v := range []float64{b.XMin, b.XMax, b.YMin, b.YMax} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

func (m *model) plotLosses() *plot.Plot {
	p := viz.NewPlot("", "epoch", "nats per image")
	viz.AddHistory(p, curvePoints,
		viz.Curve{Values: m.v.recon, Color: viz.ClassColor(0), Label: "VAE reconstruction", Dot: 3},
		viz.Curve{Values: m.v.kl, Color: viz.ClassColor(1), Label: "VAE KL(q(z|x) ‖ N(0, I))", Dot: 3},
		viz.Curve{Values: m.a.recon, Color: viz.ClassColor(2), Label: "plain autoencoder reconstruction", Dashed: true, Dot: 3})
	p.X.Min, p.X.Max = 0, max(p.X.Max, 10)
	p.Y.Min = 0
	return p
}

// latticeZ returns the lattice's points row by row from the top: row r
// at z₂ = latticeMax − r·step, column c at z₁ = −latticeMax + c·step.
func latticeZ() [][]float64 {
	step := 2 * latticeMax / (lattice - 1)
	var z [][]float64
	for r := range lattice {
		for c := range lattice {
			z = append(z, []float64{-latticeMax + float64(c)*step, latticeMax - float64(r)*step})
		}
	}
	return z
}

func (m *model) plotLattice() *plot.Plot {
	p := viz.NewPlot("", "", "")
	viz.AddTileGrid(p, codeplot.Tiles(m.vae.Decode(latticeZ()), side, nil), lattice)
	return p
}

// plotPrior decodes the same prior samples with the VAE's decoder (top
// row) and the plain autoencoder's (bottom row).
func (m *model) plotPrior() *plot.Plot {
	p := viz.NewPlot("", "", "")
	images := append(m.vae.Decode(m.priorZ), m.ae.Decode(m.priorZ)...)
	captions := make([]string, len(images))
	captions[0], captions[priorShown] = "VAE decoder", "plain decoder"
	viz.AddTileGrid(p, codeplot.Tiles(images, side, captions), priorShown)
	return p
}
