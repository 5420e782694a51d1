package e2e

import (
	"strings"
	"testing"
)

// TestAutoencoder: the autoencoder page on the denoising digits shows the
// three rows of the strip as one raster; a Step trains an epoch, moves
// the reconstruction error off its step-0 value and redraws the codes.
func TestAutoencoder(t *testing.T) {
	progress(t)
	p := newTab(t)
	p.open("/s/autoencoder?noise=0.3")
	strip := p.plotHTML("reconstructions")
	if n := strings.Count(strip, "<image"); n != 1 {
		t.Errorf("the reconstructions panel holds %d rasters, want the strip as one", n)
	}
	for _, caption := range []string{"noisy input", "output", "clean target"} {
		if !strings.Contains(strip, caption) {
			t.Errorf("the denoising strip has no row %q", caption)
		}
	}
	mse0 := eval[string](p, `document.querySelector('[data-metric=reconstruction]').textContent`)
	codes := p.plotHTML("codes")
	p.step(1)
	p.waitJS("the reconstruction error changes",
		`document.querySelector('[data-metric=reconstruction]').textContent !== `+jsString(mse0))
	if p.plotHTML("codes") == codes {
		t.Errorf("after an epoch the codes panel is unchanged")
	}
}
