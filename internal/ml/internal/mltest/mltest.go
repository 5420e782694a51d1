// Package mltest holds the helpers the tests of the ml packages share:
// reading a JSON fixture from the package's testdata, comparing numbers
// with a stated tolerance, checking a panic's prefix and a seeded PCG.
package mltest

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// NewRand returns the PCG the tests draw from, seeded with seed.
func NewRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x6d6c)) }

// LoadFixture decodes testdata/name of the package under test into v. The
// fixtures are written by the testdata/gen_*.py scripts beside them.
func LoadFixture(t testing.TB, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read fixture (regenerate with the testdata/gen_*.py that writes it): %v", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
}

// CloseTo reports |got − want| ≤ tol·scale.
func CloseTo(got, want, tol, scale float64) bool {
	return math.Abs(got-want) <= tol*scale
}

// MaxAbs is the largest |v|, at least floor.
func MaxAbs(v []float64, floor float64) float64 {
	m := floor
	for _, x := range v {
		m = max(m, math.Abs(x))
	}
	return m
}

// MustPanic fails unless f panics with a message starting "ml: ".
func MustPanic(t *testing.T, name string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Errorf("%s: no panic", name)
			return
		}
		if s, ok := r.(string); !ok || !strings.HasPrefix(s, "ml: ") {
			t.Errorf("%s: panic %v, want a string starting \"ml: \"", name, r)
		}
	}()
	f()
}
