package lab

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// The test table's handles; init and features map words to values of
// their own type, as a scenario's do.
type testInit int

const (
	initRandom testInit = iota + 1
	initPlusPlus
)

var (
	kParam        = Int(Param{Name: "k", Label: "K", Default: "3", Min: 1, Max: 10})
	rateParam     = Float(Param{Name: "rate", Label: "Rate", Default: "0.1", Min: 0, Max: 1})
	initParam     = Enum(Param{Name: "init", Label: "Init", Default: "kmeans++"}, Option("random", initRandom), Option("kmeans++", initPlusPlus))
	normParam     = Bool(Param{Name: "norm", Label: "Norm", Default: "false"})
	pointsParam   = Points(Param{Name: "points", Label: "Points", Default: ""})
	labelledParam = Points(Param{Name: "labelled", Label: "Labelled", Default: "", Classes: 3})
	featuresParam = List(Param{Name: "features", Label: "Features", Default: "x1,x2", MinItems: 1, MaxItems: 4},
		Option("x1", 1), Option("x2", 2), Option("x1sq", 11), Option("x2sq", 22))
	layersParam = Ints(Param{Name: "layers", Label: "Layers", Default: "4,2", Min: 1, Max: 8, MinItems: 0, MaxItems: 6})
	logitsParam = Floats(Param{Name: "logits", Label: "Logits", Default: "1,2,0.5", Min: -10, Max: 10, MinItems: 2, MaxItems: 8})
	testParams  = Params(kParam, rateParam, initParam, normParam, pointsParam, labelledParam, featuresParam, layersParam, logitsParam, Seed)
)

func TestParseDefaults(t *testing.T) {
	v := Defaults(testParams)
	if got, want := kParam.Get(v), 3; got != want {
		t.Errorf("k = %d, want %d", got, want)
	}
	if got, want := rateParam.Get(v), 0.1; got != want {
		t.Errorf("rate = %g, want %g", got, want)
	}
	if got, want := initParam.Get(v), initPlusPlus; got != want {
		t.Errorf("init = %v, want %v", got, want)
	}
	if normParam.Get(v) {
		t.Error("norm = true, want false")
	}
	if got := pointsParam.Get(v); len(got) != 0 {
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
	if got, want := kParam.Get(v), 7; got != want {
		t.Errorf("k = %d, want %d", got, want)
	}
	pts := pointsParam.Get(v)
	want := []Point{{X: 1.23, Y: -2}, {X: 0.5, Y: 0.25}}
	if len(pts) != len(want) || pts[0] != want[0] || pts[1] != want[1] {
		t.Errorf("points = %v, want %v (rounded to 2 decimals)", pts, want)
	}
	if got := labelledParam.Get(v); len(got) != 1 || got[0] != (Point{X: 1, Y: 2, Class: 2}) {
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
	if got := featuresParam.Get(v); len(got) != 2 || got[0] != 1 || got[1] != 22 {
		t.Errorf("features = %v, want [x1 x2sq] (options order)", got)
	}
	if got := layersParam.Get(v); len(got) != 3 || got[0] != 8 || got[2] != 3 {
		t.Errorf("layers = %v", got)
	}
	if got := logitsParam.Get(v); len(got) != 2 || got[0] != -1.5 {
		t.Errorf("logits = %v", got)
	}
	if got, want := v.Encode(), "features=x1,x2sq&layers=8,1,3&logits=-1.5,2"; got != want {
		t.Errorf("Encode = %q, want %q", got, want)
	}
	q, _ = ParseQuery("layers=")
	if v, err := Parse(testParams, q); err != nil || len(layersParam.Get(v)) != 0 {
		t.Errorf("no hidden layers: %v, %v", layersParam.Get(v), err)
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
	if got := initParam.Get(v); got != initPlusPlus {
		t.Errorf("init = %v, want kmeans++", got)
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

// A table entry made without a handle has no typed reader: Validate
// refuses it, so every value a scenario reads goes through a handle.
func TestValidateRefusesUndeclaredParams(t *testing.T) {
	sc := *counter
	sc.Params = append(Params(counterLast), Param{Name: "mode", Label: "Mode", Kind: KindEnum, Default: "a", Options: []string{"a", "b"}}, SeedParam())
	err := sc.Validate()
	if err == nil || !strings.Contains(err.Error(), `"mode" is not declared through a handle`) {
		t.Errorf("Validate = %v, want a refusal naming mode", err)
	}
	if err := counter.Validate(); err != nil {
		t.Errorf("counter: %v", err)
	}
}

// An enum's options are its choices' words, each with its meaning; a
// table that lists options besides them, or a word twice, is refused.
func TestEnumChoices(t *testing.T) {
	if got, want := initParam.Param().Options, []string{"random", "kmeans++"}; !slices.Equal(got, want) {
		t.Errorf("options = %v, want %v", got, want)
	}
	for name, declare := range map[string]func(){
		"options in the table": func() {
			Enum(Param{Name: "m", Default: "a", Options: []string{"a", "b"}}, Option("a", 1))
		},
		"a word twice": func() { Enum(Param{Name: "m", Default: "a"}, Option("a", 1), Option("a", 2)) },
		"no choices":   func() { Enum[int](Param{Name: "m", Default: "a"}) },
		"another kind": func() { Int(Param{Name: "m", Kind: KindFloat, Default: "1"}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			declare()
		}()
	}
}

func TestHandleReadsOnlyItsTable(t *testing.T) {
	v := Defaults(Params(counterLast, Seed))
	if got := counterLast.Get(v); got != 20 {
		t.Errorf("last = %d, want 20", got)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), `no parameter "k"`) {
			t.Errorf("reading k from a table without it: panic %v", r)
		}
	}()
	kParam.Get(v)
}

func TestRefuseNamesTheParameter(t *testing.T) {
	q, _ := ParseQuery("k=4")
	v, _ := Parse(testParams, q)
	err := kParam.Refuse(v, "at most the number of samples")
	if got, want := err.Error(), `parameter "k": invalid value "4": at most the number of samples`; got != want {
		t.Errorf("Refuse = %q, want %q", got, want)
	}
}

// A seed control that changes nothing misleads: a scenario either draws at
// random and has a seed, or says it is deterministic and has none.
func TestSeedRule(t *testing.T) {
	sc := *counter
	sc.Params = Params(counterLast, counterPoints)
	if err := sc.Validate(); err == nil || !strings.Contains(err.Error(), "has no seed") {
		t.Errorf("no seed, not deterministic: %v", err)
	}
	sc.Deterministic = true
	if err := sc.Validate(); err != nil {
		t.Errorf("no seed, deterministic: %v", err)
	}
	sc.Params = Params(counterLast, counterPoints, Seed)
	if err := sc.Validate(); err == nil || !strings.Contains(err.Error(), "shows a seed") {
		t.Errorf("seed, deterministic: %v", err)
	}
}

// A text parameter is read by its scenario's parser: the canonical
// spelling is the parser's, an error names the parameter and keeps the
// parser's reason, and "/" stays readable in the canonical query.
func TestTextParams(t *testing.T) {
	// A toy notation: rows of a and b separated by "/", upper case allowed.
	rows := Text(Param{Name: "rows", Label: "Rows", Default: "ab/ba", Options: []string{"ab/ba", "aa"},
		Format: "rows of a and b separated by /"},
		func(s string) (int, string, error) {
			s = strings.ToLower(s)
			if s == "" || strings.Trim(s, "ab/") != "" {
				return 0, "", fmt.Errorf("only a, b and / are allowed")
			}
			return strings.Count(s, "/") + 1, s, nil
		})
	params := Params(rows, Seed)
	q, _ := ParseQuery("rows=AB/AB/b")
	v, err := Parse(params, q)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rows.Get(v), 3; got != want {
		t.Errorf("Get = %d, want %d", got, want)
	}
	if got, want := v.Encode(), "rows=ab/ab/b"; got != want {
		t.Errorf("Encode = %q, want %q", got, want)
	}
	_, err = Parse(params, url.Values{"rows": {"abc"}})
	var pe *ParamError
	if !errors.As(err, &pe) || pe.Name != "rows" ||
		pe.Allowed != "only a, b and / are allowed; expected rows of a and b separated by /" {
		t.Errorf("rows=abc: %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("an option that does not parse: no panic")
		}
	}()
	Text(Param{Name: "m", Default: "a", Options: []string{"c"}, Format: "a"},
		func(s string) (int, string, error) { return 0, s, map[bool]error{true: errors.New("no")}[s == "c"] })
}
