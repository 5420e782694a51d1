package lab

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

var testParams = []Param{
	{Name: "k", Label: "K", Kind: KindInt, Default: "3", Min: 1, Max: 10},
	{Name: "rate", Label: "Rate", Kind: KindFloat, Default: "0.1", Min: 0, Max: 1},
	{Name: "init", Label: "Init", Kind: KindEnum, Default: "kmeans++", Options: []string{"random", "kmeans++"}},
	{Name: "norm", Label: "Norm", Kind: KindBool, Default: "false"},
	{Name: "points", Label: "Points", Kind: KindPoints, Default: ""},
	{Name: "labelled", Label: "Labelled", Kind: KindPoints, Default: "", Classes: 3},
	{Name: "features", Label: "Features", Kind: KindList, Default: "x1,x2", Options: []string{"x1", "x2", "x1sq", "x2sq"}, MinItems: 1, MaxItems: 4},
	{Name: "layers", Label: "Layers", Kind: KindInts, Default: "4,2", Min: 1, Max: 8, MinItems: 0, MaxItems: 6},
	{Name: "logits", Label: "Logits", Kind: KindFloats, Default: "1,2,0.5", Min: -10, Max: 10, MinItems: 2, MaxItems: 8},
	SeedParam(),
}

func TestParseDefaults(t *testing.T) {
	v := Defaults(testParams)
	if got, want := v.Int("k"), 3; got != want {
		t.Errorf("k = %d, want %d", got, want)
	}
	if got, want := v.Float("rate"), 0.1; got != want {
		t.Errorf("rate = %g, want %g", got, want)
	}
	if got, want := v.String("init"), "kmeans++"; got != want {
		t.Errorf("init = %q, want %q", got, want)
	}
	if v.Bool("norm") {
		t.Error("norm = true, want false")
	}
	if got := v.Points("points"); len(got) != 0 {
		t.Errorf("points = %v, want none", got)
	}
	if got := v.Encode(); got != "" {
		t.Errorf("defaults encode to %q, want empty", got)
	}
}

func TestParseValues(t *testing.T) {
	q, err := ParseQuery("k=07&rate=.5&init=random&norm=1&points=1.234:-2,0.5:0.25&labelled=1:2:2&seed=42")
	if err != nil {
		t.Fatal(err)
	}
	v, err := Parse(testParams, q)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := v.Int("k"), 7; got != want {
		t.Errorf("k = %d, want %d", got, want)
	}
	pts := v.Points("points")
	want := []Point{{X: 1.23, Y: -2}, {X: 0.5, Y: 0.25}}
	if len(pts) != len(want) || pts[0] != want[0] || pts[1] != want[1] {
		t.Errorf("points = %v, want %v (rounded to 2 decimals)", pts, want)
	}
	if got := v.Points("labelled"); len(got) != 1 || got[0] != (Point{X: 1, Y: 2, Class: 2}) {
		t.Errorf("labelled = %v", got)
	}
	// Canonical: table order, defaults dropped, one spelling per value.
	if got, want := v.Encode(), "k=7&rate=0.5&init=random&norm=true&points=1.23:-2,0.5:0.25&labelled=1:2:2&seed=42"; got != want {
		t.Errorf("Encode = %q\nwant     %q", got, want)
	}
}

func TestListParams(t *testing.T) {
	q, _ := ParseQuery("features=x2sq,x1&layers=8,1,3&logits=-1.50,2")
	v, err := Parse(testParams, q)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.List("features"); len(got) != 2 || got[0] != "x1" || got[1] != "x2sq" {
		t.Errorf("features = %v, want [x1 x2sq] (options order)", got)
	}
	if got := v.Ints("layers"); len(got) != 3 || got[0] != 8 || got[2] != 3 {
		t.Errorf("layers = %v", got)
	}
	if got := v.Floats("logits"); len(got) != 2 || got[0] != -1.5 {
		t.Errorf("logits = %v", got)
	}
	if got, want := v.Encode(), "features=x1,x2sq&layers=8,1,3&logits=-1.5,2"; got != want {
		t.Errorf("Encode = %q, want %q", got, want)
	}
	q, _ = ParseQuery("layers=")
	if v, err := Parse(testParams, q); err != nil || len(v.Ints("layers")) != 0 {
		t.Errorf("no hidden layers: %v, %v", v.Ints("layers"), err)
	}
}

func TestPlusIsNotSpace(t *testing.T) {
	q, err := ParseQuery("init=kmeans++")
	if err != nil {
		t.Fatal(err)
	}
	v, err := Parse(testParams, q)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.String("init"); got != "kmeans++" {
		t.Errorf("init = %q, want kmeans++", got)
	}
	v2, _ := v.With("init", "random")
	v3, _ := v2.With("init", "kmeans++")
	if got := v3.Encode(); got != "" {
		t.Errorf("default init encodes as %q, want empty", got)
	}
}

func TestParseErrorsNameTheParameter(t *testing.T) {
	tests := []struct {
		query, name, allowed string
	}{
		{"k=11", "k", "an integer from 1 to 10"},
		{"k=0", "k", "an integer from 1 to 10"},
		{"k=2.5", "k", "an integer from 1 to 10"},
		{"k=", "k", "an integer"},
		{"rate=NaN", "rate", "a number from 0 to 1"},
		{"rate=Inf", "rate", "a number from 0 to 1"},
		{"rate=1.5", "rate", "a number from 0 to 1"},
		{"init=best", "init", "one of random, kmeans++"},
		{"norm=maybe", "norm", "true or false"},
		{"points=1:2:3", "points", "has 3 fields, not 2"},
		{"points=1:x", "points", "bad coordinate"},
		{"points=1e9:0", "points", "bad coordinate"},
		{"labelled=1:2:5", "labelled", "class"},
		{"points=" + strings.Repeat("1:1,", MaxPoints) + "1:1", "points", "201 points given"},
		{"kk=3", "kk", "not a parameter of this scenario"},
		{"k=3&k=4", "k", "given more than once"},
		{"seed=-1", "seed", "an integer from 0 to 999999"},
		{"features=", "features", "1 to 4 of x1, x2, x1sq, x2sq"},
		{"features=x1,x1", "features", "comma-separated"},
		{"features=x3", "features", "comma-separated"},
		{"layers=9", "layers", "0 to 6 integers from 1 to 8"},
		{"layers=1,1,1,1,1,1,1", "layers", "0 to 6 integers"},
		{"layers=2.5", "layers", "integers"},
		{"logits=1", "logits", "2 to 8 numbers from -10 to 10"},
		{"logits=1,NaN", "logits", "numbers"},
	}
	for _, tt := range tests {
		q, err := ParseQuery(tt.query)
		if err == nil {
			_, err = Parse(testParams, q)
		}
		var pe *ParamError
		if !errors.As(err, &pe) {
			t.Errorf("%s: error %v, want a ParamError", tt.query, err)
			continue
		}
		if pe.Name != tt.name || !strings.Contains(pe.Error(), tt.allowed) {
			t.Errorf("%s: error %q (name %q), want name %q mentioning %q", tt.query, pe.Error(), pe.Name, tt.name, tt.allowed)
		}
	}
}

func TestQueryLimit(t *testing.T) {
	if _, err := ParseQuery("k=" + strings.Repeat("1", maxQueryLength)); err == nil {
		t.Error("an oversized query was accepted")
	}
	if _, err := ParseQuery("k=%zz"); err == nil {
		t.Error("a badly escaped query was accepted")
	}
}

// roundTrip checks that encoding is a fixed point: parse(encode(v)) encodes
// to the same string.
func roundTrip(t *testing.T, raw string) {
	q, err := ParseQuery(raw)
	if err != nil {
		return
	}
	v, err := Parse(testParams, q)
	if err != nil {
		return
	}
	enc := v.Encode()
	q2, err := ParseQuery(enc)
	if err != nil {
		t.Fatalf("%q encodes to %q, which does not parse: %v", raw, enc, err)
	}
	v2, err := Parse(testParams, q2)
	if err != nil {
		t.Fatalf("%q encodes to %q, which is invalid: %v", raw, enc, err)
	}
	if enc2 := v2.Encode(); enc2 != enc {
		t.Fatalf("%q: encode is not stable: %q then %q", raw, enc, enc2)
	}
	for _, p := range testParams {
		if v.Text(p.Name) != v2.Text(p.Name) {
			t.Fatalf("%q: %s changed from %q to %q", raw, p.Name, v.Text(p.Name), v2.Text(p.Name))
		}
	}
	// The standard library reads the canonical form the same way.
	std, err := url.ParseQuery(enc)
	if err != nil {
		t.Fatalf("%q: url.ParseQuery: %v", enc, err)
	}
	for name, vals := range std {
		if q2.Get(name) != vals[0] {
			t.Fatalf("%q: url.ParseQuery reads %s=%q, we read %q", enc, name, vals[0], q2.Get(name))
		}
	}
}

func TestRoundTrip(t *testing.T) {
	for _, raw := range []string{
		"", "k=10&rate=1", "rate=1e-3", "rate=0.30000000000000004", "points=-0.004:0.005",
		"init=random&seed=999999", "points=1:1,1:1,2:2", "labelled=0:0:0,1:1:1", "norm=TRUE",
		"features=x2,x1", "layers=", "layers=07,1", "logits=1e1,-0.0", "logits=0.1,0.2,0.30000000000000004",
	} {
		roundTrip(t, raw)
	}
}

func FuzzParams(f *testing.F) {
	for _, s := range []string{"k=3", "features=x1sq,x2", "layers=3,3", "logits=1,-2.5", "rate=0.25&init=random", "points=1:2,3:4", "labelled=1:1:1", "seed=7&norm=true", "init=kmeans%2B%2B"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		roundTrip(t, raw)
	})
}

// An HTML form without JavaScript sends one value per ticked box.
func TestListFromRepeatedValues(t *testing.T) {
	q, _ := ParseQuery("features=x2&features=x1")
	v, err := Parse(testParams, q)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Text("features"); got != "x1,x2" {
		t.Errorf("features = %q, want x1,x2", got)
	}
}
