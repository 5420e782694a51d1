package e2e

import (
	"strings"
	"testing"
)

// TestVAE: the vae page draws the lattice of decoded images as one raster
// and the prior samples in two captioned rows; Play trains both networks
// and the KL metric and the VAE's latent panel change.
func TestVAE(t *testing.T) {
	progress(t)
	p := newTab(t)
	p.open("/s/vae")
	if n := strings.Count(p.plotHTML("lattice"), "<image"); n != 1 {
		t.Errorf("the lattice panel holds %d rasters, want the 8×8 grid as one", n)
	}
	prior := p.plotHTML("prior")
	for _, caption := range []string{"VAE decoder", "plain decoder"} {
		if !strings.Contains(prior, caption) {
			t.Errorf("the prior panel has no row %q", caption)
		}
	}
	kl0 := eval[string](p, `document.querySelector('[data-metric=kl]').textContent`)
	latent := p.plotHTML("latent")
	p.click("play")
	p.waitJS("two epochs are played", `Number(document.querySelector('[data-testid=step-counter]').textContent) >= 2`)
	p.pause()
	if got := eval[string](p, `document.querySelector('[data-metric=kl]').textContent`); got == kl0 {
		t.Errorf("the KL metric still reads %q after training", got)
	}
	if p.plotHTML("latent") == latent {
		t.Errorf("after training the VAE's latent panel is unchanged")
	}
}
