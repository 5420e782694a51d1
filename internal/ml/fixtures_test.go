package ml

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fixtures are written by testdata/gen_fixtures.py with scikit-learn
// 1.2.1 and NumPy 1.24.2 (Debian's /usr/bin/python3).

type kmeansFixture struct {
	Cases []struct {
		Name           string      `json:"name"`
		K              int         `json:"k"`
		X              [][]float64 `json:"X"`
		Init           [][]float64 `json:"init"`
		ConvergedNIter int         `json:"converged_n_iter"`
		Runs           []struct {
			MaxIter int         `json:"max_iter"`
			NIter   int         `json:"n_iter"`
			Labels  []int       `json:"labels"`
			Inertia float64     `json:"inertia"`
			Centers [][]float64 `json:"centers"`
		} `json:"runs"`
	} `json:"cases"`
}

type polyFixture struct {
	X     []float64 `json:"x"`
	Y     []float64 `json:"y"`
	Grid  []float64 `json:"grid"`
	Cases []struct {
		N        int       `json:"n"`
		Degree   int       `json:"degree"`
		Lambda   float64   `json:"lambda"`
		Weights  []float64 `json:"weights"`
		Rank     int       `json:"rank"`
		Monomial []float64 `json:"monomial"`
		GridPred []float64 `json:"grid_pred"`
		TrainMSE float64   `json:"train_mse"`
		Polyfit  []float64 `json:"polyfit"` // only λ = 0 and n > degree
	} `json:"cases"`
	Leg2Poly struct {
		Weights  []float64 `json:"weights"`
		Monomial []float64 `json:"monomial"`
	} `json:"leg2poly"`
}

type moonsFixture struct {
	Cases []struct {
		N      int         `json:"n"`
		X      [][]float64 `json:"X"`
		Labels []int       `json:"labels"`
	} `json:"cases"`
}

func loadFixture(t testing.TB, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read fixture (regenerate with testdata/gen_fixtures.py): %v", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
}

// closeTo reports |got − want| ≤ tol·scale.
func closeTo(got, want, tol, scale float64) bool {
	return math.Abs(got-want) <= tol*scale
}

// maxAbs is the largest |v|, at least floor.
func maxAbs(v []float64, floor float64) float64 {
	m := floor
	for _, x := range v {
		m = max(m, math.Abs(x))
	}
	return m
}

// mustPanic fails unless f panics with a message starting "ml: ".
func mustPanic(t *testing.T, name string, f func()) {
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
