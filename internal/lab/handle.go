package lab

import (
	"fmt"
	"slices"
)

// Handle is one parameter of a scenario's table, typed: it declares the
// table entry and reads the checked value as a T. A scenario declares its
// handles once, builds its table from them with Params, and reads every
// value through them, so no value is looked up by a string key and an enum
// word cannot exist without its meaning. A Handle is immutable.
type Handle[T any] struct {
	param Param
	read  func(v Values, name string) T
}

// Param returns the table entry the handle declares.
func (h Handle[T]) Param() Param { return h.param }

// Name returns the parameter's name in URLs.
func (h Handle[T]) Name() string { return h.param.Name }

// Get returns the parameter's value in v. It panics when v was checked
// against a table that lacks the parameter: a programming error.
func (h Handle[T]) Get(v Values) T {
	v.param(h.param.Name, h.param.Kind)
	return h.read(v, h.param.Name)
}

// Text returns the value's canonical text, as the URL spells it.
func (h Handle[T]) Text(v Values) string {
	v.param(h.param.Name, h.param.Kind)
	return v.raw[h.param.Name]
}

// Refuse returns the error for a value that is valid on its own but not
// with the rest of v (a regression problem on a classification data set):
// it names the parameter and its value and says what would work.
func (h Handle[T]) Refuse(v Values, allowed string) *ParamError {
	return &ParamError{Name: h.param.Name, Value: h.Text(v), Allowed: allowed}
}

// Declared is any handle: what Params builds a table from.
type Declared interface{ Param() Param }

// Params builds a scenario's parameter table from its handles, in order.
func Params(hs ...Declared) []Param {
	out := make([]Param, len(hs))
	for i, h := range hs {
		out[i] = h.Param()
	}
	return out
}

// allKinds lists every Kind, for reads that accept any of them.
var allKinds = []Kind{KindInt, KindFloat, KindEnum, KindBool, KindPoints, KindList, KindInts, KindFloats, KindText}

// declare sets p's kind, refusing a table entry written for another one.
func declare(p Param, k Kind) Param {
	if p.Kind != "" && p.Kind != k {
		panic(fmt.Sprintf("lab: parameter %q declared as %s with kind %s", p.Name, k, p.Kind))
	}
	if p.Name == "" {
		panic("lab: parameter without a name")
	}
	p.Kind, p.declared = k, true
	return p
}

// Int declares an integer parameter within [p.Min, p.Max].
func Int(p Param) Handle[int] {
	return Handle[int]{declare(p, KindInt), func(v Values, n string) int { return int(v.num[n]) }}
}

// Float declares a real parameter within [p.Min, p.Max].
func Float(p Param) Handle[float64] {
	return Handle[float64]{declare(p, KindFloat), func(v Values, n string) float64 { return v.num[n] }}
}

// Bool declares a true/false parameter.
func Bool(p Param) Handle[bool] {
	return Handle[bool]{declare(p, KindBool), func(v Values, n string) bool { return v.num[n] == 1 }}
}

// Points declares the points a user adds by clicking on a panel.
func Points(p Param) Handle[[]Point] {
	return Handle[[]Point]{declare(p, KindPoints), func(v Values, n string) []Point { return slices.Clone(v.points[n]) }}
}

// Ints declares a comma-separated list of integers, each within [p.Min, p.Max].
func Ints(p Param) Handle[[]int] {
	return Handle[[]int]{declare(p, KindInts), func(v Values, n string) []int {
		out := make([]int, len(v.numbers[n]))
		for i, f := range v.numbers[n] {
			out[i] = int(f)
		}
		return out
	}}
}

// Floats declares a comma-separated list of numbers, each within [p.Min, p.Max].
func Floats(p Param) Handle[[]float64] {
	return Handle[[]float64]{declare(p, KindFloats), func(v Values, n string) []float64 { return slices.Clone(v.numbers[n]) }}
}

// Text declares a parameter written in the scenario's own notation. parse
// checks a text and returns its value and canonical spelling; its error
// says what is wrong, and p.Format what is accepted. p.Options, when set,
// are ready-made texts the control offers (presets); each must parse.
func Text[T any](p Param, parse func(string) (T, string, error)) Handle[T] {
	p = declare(p, KindText)
	if p.Format == "" {
		panic(fmt.Sprintf("lab: text parameter %q has no Format", p.Name))
	}
	for _, o := range p.Options {
		if _, _, err := parse(o); err != nil {
			panic(fmt.Sprintf("lab: text parameter %q: option %q: %v", p.Name, o, err))
		}
	}
	p.check = func(s string) (string, error) {
		_, canon, err := parse(s)
		return canon, err
	}
	return Handle[T]{p, func(v Values, n string) T {
		val, _, err := parse(v.raw[n])
		if err != nil {
			panic(fmt.Sprintf("lab: parameter %q: a checked value no longer parses: %v", n, err))
		}
		return val
	}}
}

// Choice is one word of an enum or list parameter and what it means.
type Choice[T any] struct {
	Word  string
	Value T
}

// Option pairs a public word with its meaning: a constructor, a data set
// function, a typed constant.
func Option[T any](word string, value T) Choice[T] { return Choice[T]{word, value} }

// words returns the choices' words, refusing a repeated or missing one and
// options written in the table besides the choices.
func words[T any](p Param, choices []Choice[T]) []string {
	if len(p.Options) > 0 {
		panic(fmt.Sprintf("lab: parameter %q: options come from its choices, not from Param.Options", p.Name))
	}
	if len(choices) == 0 {
		panic(fmt.Sprintf("lab: parameter %q has no choices", p.Name))
	}
	out := make([]string, len(choices))
	for i, c := range choices {
		if c.Word == "" || slices.Contains(out[:i], c.Word) {
			panic(fmt.Sprintf("lab: parameter %q: choice %q is empty or repeated", p.Name, c.Word))
		}
		out[i] = c.Word
	}
	return out
}

// Enum declares a parameter that takes one of its choices' words; Get
// returns that choice's value. The table's options are the words, in order.
func Enum[T any](p Param, choices ...Choice[T]) Handle[T] {
	p = declare(p, KindEnum)
	p.Options = words(p, choices)
	return Handle[T]{p, func(v Values, n string) T {
		return choices[slices.Index(p.Options, v.raw[n])].Value
	}}
}

// List declares a parameter that takes a set of its choices' words
// (between p.MinItems and p.MaxItems); Get returns their values in the
// choices' order.
func List[T any](p Param, choices ...Choice[T]) Handle[[]T] {
	p = declare(p, KindList)
	p.Options = words(p, choices)
	return Handle[[]T]{p, func(v Values, n string) []T {
		out := make([]T, 0, len(v.lists[n]))
		for _, w := range v.lists[n] {
			out = append(out, choices[slices.Index(p.Options, w)].Value)
		}
		return out
	}}
}

// Seed is the seed parameter every scenario that draws at random carries:
// the run's only source of randomness.
var Seed = Int(Param{Name: "seed", Label: "Seed", Default: "1", Min: 0, Max: 999999, Step: 1,
	Help: "Seeds every random draw: the same seed and parameters replay the same run."})
