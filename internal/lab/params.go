package lab

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Kind is the type of a scenario parameter; it decides how the value is
// parsed from the URL, checked, encoded and shown as a control.
type Kind string

const (
	KindInt    Kind = "int"
	KindFloat  Kind = "float"
	KindEnum   Kind = "enum"
	KindBool   Kind = "bool"
	KindPoints Kind = "points" // points added by clicking on a plot
	// KindList is a set of Options, written comma-separated in Options order.
	KindList Kind = "list"
	// KindInts and KindFloats are comma-separated numbers, each within
	// [Min, Max], at most MaxItems of them (at least MinItems).
	KindInts   Kind = "ints"
	KindFloats Kind = "floats"
	// KindText is text in a scenario's own small notation (a gridworld
	// layout), checked and spelled canonically by the scenario's parser;
	// Options are ready-made values offered beside the control.
	KindText Kind = "text"
)

// Limits on user-added points, so a hand-edited URL cannot grow a run.
const (
	MaxPoints      = 200
	pointDecimals  = 2
	maxPointCoord  = 1e3
	maxQueryLength = 8192
)

// Param describes one scenario parameter. One table of Params drives URL
// parsing and canonical encoding, the HTML controls, websocket validation and
// the JSON schema.
type Param struct {
	Name    string   `json:"name"`
	Label   string   `json:"label"`
	Kind    Kind     `json:"kind"`
	Default string   `json:"default"`
	Min     float64  `json:"min,omitempty"`
	Max     float64  `json:"max,omitempty"`
	Step    float64  `json:"step,omitempty"`
	Options []string `json:"options,omitempty"`
	// Classes is the number of labels a clicked point may carry (0: unlabelled).
	Classes int `json:"classes,omitempty"`
	// MinItems and MaxItems bound the length of list parameters.
	MinItems int    `json:"min_items,omitempty"`
	MaxItems int    `json:"max_items,omitempty"`
	Help     string `json:"help"`
	// Format says what a text parameter accepts, for error messages.
	Format string `json:"format,omitempty"`
	// Live says the value may change while the run plays, the URL
	// recording when (live.go); set by LiveFloat and LiveEnum.
	Live bool `json:"live,omitempty"`
	// check reads a text parameter and returns its canonical spelling.
	check func(string) (string, error)
	// declared is set by the handle constructors (Int, Enum, …): a table
	// entry made any other way has no typed reader, and Validate refuses it.
	declared bool
}

// Point is a user-added sample: a position and, for labelled data, a class.
type Point struct {
	X, Y  float64
	Class int
}

// ParamError says which parameter was wrong, with what value and what is
// allowed. Its message is shown to the user as it is.
type ParamError struct {
	Name, Value, Allowed string
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("parameter %q: invalid value %q: %s", e.Name, e.Value, e.Allowed)
}

// Allowed describes the values a parameter accepts, for error messages and help.
func (p Param) Allowed() string {
	switch p.Kind {
	case KindInt:
		return fmt.Sprintf("an integer from %s to %s", fmtNum(p.Min), fmtNum(p.Max))
	case KindFloat:
		return fmt.Sprintf("a number from %s to %s", fmtNum(p.Min), fmtNum(p.Max))
	case KindEnum:
		return "one of " + strings.Join(p.Options, ", ")
	case KindBool:
		return "true or false"
	case KindList:
		return fmt.Sprintf("%s of %s, comma-separated", countRange(p.MinItems, p.MaxItems), strings.Join(p.Options, ", "))
	case KindInts, KindFloats:
		what := "integers"
		if p.Kind == KindFloats {
			what = "numbers"
		}
		return fmt.Sprintf("%s %s from %s to %s, comma-separated", countRange(p.MinItems, p.MaxItems), what, fmtNum(p.Min), fmtNum(p.Max))
	case KindText:
		return p.Format
	case KindPoints:
		return fmt.Sprintf("up to %d points written x:y%s, separated by commas, each coordinate within ±%g",
			MaxPoints, map[bool]string{true: ":class", false: ""}[p.Classes > 0], maxPointCoord)
	}
	return ""
}

func countRange(lo, hi int) string {
	if lo == hi {
		return strconv.Itoa(lo)
	}
	return fmt.Sprintf("%d to %d", lo, hi)
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// Values holds one run's parameters, checked against their table.
type Values struct {
	params  []Param
	raw     map[string]string // canonical text of each value
	num     map[string]float64
	points  map[string][]Point
	lists   map[string][]string
	numbers map[string][]float64
	changes map[string][]Change // of live parameters (live.go)
}

func newValues(params []Param) Values {
	return Values{params: params, raw: map[string]string{}, num: map[string]float64{}, points: map[string][]Point{},
		lists: map[string][]string{}, numbers: map[string][]float64{}, changes: map[string][]Change{}}
}

// Defaults returns the table's default values.
func Defaults(params []Param) Values {
	v, err := Parse(params, url.Values{})
	if err != nil {
		panic("lab: invalid default: " + err.Error())
	}
	return v
}

// Parse checks query values against the table. Unknown names are refused so a
// typo is not silently ignored; missing names take their defaults.
func Parse(params []Param, q url.Values) (Values, error) {
	v := newValues(params)
	for name, vals := range q {
		if !slices.ContainsFunc(params, func(p Param) bool { return p.Name == name }) {
			return Values{}, &ParamError{Name: name, Value: strings.Join(vals, ","), Allowed: "not a parameter of this scenario (known: " + names(params) + ")"}
		}
		if len(vals) > 1 && kindOf(params, name) == KindList {
			// An HTML form sends one value per ticked box.
			q[name] = []string{strings.Join(vals, ",")}
			continue
		}
		if len(vals) > 1 {
			return Values{}, &ParamError{Name: name, Value: strings.Join(vals, ","), Allowed: "given more than once; give it once"}
		}
	}
	for _, p := range params {
		text := p.Default
		if vals, ok := q[p.Name]; ok {
			text = vals[0]
		}
		if err := v.set(p, text); err != nil {
			return Values{}, err
		}
	}
	return v, nil
}

func kindOf(params []Param, name string) Kind {
	for _, p := range params {
		if p.Name == name {
			return p.Kind
		}
	}
	return ""
}

func names(params []Param) string {
	s := make([]string, len(params))
	for i, p := range params {
		s[i] = p.Name
	}
	return strings.Join(s, ", ")
}

func (v *Values) set(p Param, text string) error {
	bad := &ParamError{Name: p.Name, Value: text, Allowed: p.Allowed()}
	switch p.Kind {
	case KindInt:
		n, err := strconv.ParseInt(strings.TrimSpace(text), 10, 64)
		if err != nil || float64(n) < p.Min || float64(n) > p.Max {
			return bad
		}
		v.num[p.Name] = float64(n)
		v.raw[p.Name] = strconv.FormatInt(n, 10)
	case KindFloat:
		if p.Live {
			return v.setSchedule(p, text)
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < p.Min || f > p.Max {
			return bad
		}
		v.num[p.Name] = f
		v.raw[p.Name] = fmtNum(f)
	case KindEnum:
		if p.Live {
			return v.setSchedule(p, text)
		}
		if !slices.Contains(p.Options, text) {
			return bad
		}
		v.raw[p.Name] = text
	case KindBool:
		b, err := strconv.ParseBool(text)
		if err != nil {
			return bad
		}
		v.raw[p.Name] = strconv.FormatBool(b)
		if b {
			v.num[p.Name] = 1
		}
	case KindList:
		var items []string
		if text != "" {
			items = strings.Split(text, ",")
		}
		if len(items) < p.MinItems || len(items) > p.MaxItems {
			return bad
		}
		var canon []string
		for _, o := range p.Options { // Options order, so equal sets have one spelling
			if slices.Contains(items, o) {
				canon = append(canon, o)
			}
		}
		if len(canon) != len(items) { // an unknown or repeated item
			return bad
		}
		v.lists[p.Name] = canon
		v.raw[p.Name] = strings.Join(canon, ",")
	case KindInts, KindFloats:
		var items []string
		if text != "" {
			items = strings.Split(text, ",")
		}
		if len(items) < p.MinItems || len(items) > p.MaxItems {
			return bad
		}
		nums := make([]float64, len(items))
		texts := make([]string, len(items))
		for i, it := range items {
			f, err := strconv.ParseFloat(strings.TrimSpace(it), 64)
			if p.Kind == KindInts {
				var n int64
				n, err = strconv.ParseInt(strings.TrimSpace(it), 10, 64)
				f = float64(n)
			}
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < p.Min || f > p.Max {
				return bad
			}
			nums[i], texts[i] = f, fmtNum(f)
		}
		v.numbers[p.Name] = nums
		v.raw[p.Name] = strings.Join(texts, ",")
	case KindText:
		canon, err := p.check(text)
		if err != nil {
			bad.Allowed = err.Error() + "; expected " + p.Allowed()
			return bad
		}
		v.raw[p.Name] = canon
	case KindPoints:
		pts, err := ParsePoints(text, p.Classes)
		if err != nil {
			bad.Allowed = err.Error() + "; expected " + p.Allowed()
			return bad
		}
		v.points[p.Name] = pts
		v.raw[p.Name] = EncodePoints(pts, p.Classes)
	default:
		panic("lab: unknown parameter kind " + string(p.Kind))
	}
	return nil
}

func (v Values) param(name string, kinds ...Kind) Param {
	for _, p := range v.params {
		if p.Name == name {
			if !slices.Contains(kinds, p.Kind) {
				panic(fmt.Sprintf("lab: parameter %q is %s, not %v", name, p.Kind, kinds))
			}
			return p
		}
	}
	panic(fmt.Sprintf("lab: no parameter %q in this table (known: %s)", name, names(v.params)))
}

// Seed returns the "seed" parameter, the run's only source of randomness.
func (v Values) Seed() uint64 { return uint64(Seed.Get(v)) }

// Text returns the canonical text of any parameter, as the URL spells it.
func (v Values) Text(name string) string {
	v.param(name, allKinds...)
	return v.raw[name]
}

// Chosen returns the words a list parameter holds, in Options order: for
// controls drawn from the table (scenarios read values through handles).
func (v Values) Chosen(name string) []string {
	v.param(name, KindList)
	return slices.Clone(v.lists[name])
}

// PointCount returns how many points a points parameter holds, for the
// controls drawn from the table.
func (v Values) PointCount(name string) int {
	v.param(name, KindPoints)
	return len(v.points[name])
}

// Params returns the table the values were checked against.
func (v Values) Params() []Param { return v.params }

// With returns a copy with one parameter changed and checked.
func (v Values) With(name, text string) (Values, error) {
	q := v.Query()
	q.Set(name, text)
	return Parse(v.params, q)
}

// Query returns every value as url.Values.
func (v Values) Query() url.Values {
	q := url.Values{}
	for _, p := range v.params {
		q.Set(p.Name, v.raw[p.Name])
	}
	return q
}

// Encode returns the canonical query string: the table's order, every value
// spelled one way, defaults left out, so equal runs have equal URLs.
func (v Values) Encode() string {
	var b strings.Builder
	for _, p := range v.params {
		text := v.raw[p.Name]
		if text == canonicalDefault(p) {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.Name)
		b.WriteByte('=')
		b.WriteString(escape(text))
	}
	return b.String()
}

func canonicalDefault(p Param) string {
	v := newValues(nil)
	if err := v.set(p, p.Default); err != nil {
		panic("lab: invalid default: " + err.Error())
	}
	return v.raw[p.Name]
}

// escape percent-encodes a value, leaving the characters that are safe in a
// query and make points and layouts readable (digits, letters, "-._~:,/").
func escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', c == ':', c == ',', c == '/', c == '@':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// ParseQuery splits a raw query string. Unlike url.ParseQuery it keeps "+" as
// a plus sign, so init=kmeans++ typed by hand means what it says.
func ParseQuery(raw string) (url.Values, error) {
	if len(raw) > maxQueryLength {
		return nil, &ParamError{Name: "query", Value: raw[:40] + "…", Allowed: fmt.Sprintf("at most %d characters", maxQueryLength)}
	}
	q := url.Values{}
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		n, err1 := url.PathUnescape(name)
		val, err2 := url.PathUnescape(value)
		if err := errors.Join(err1, err2); err != nil {
			return nil, &ParamError{Name: name, Value: value, Allowed: "badly escaped: " + err.Error()}
		}
		q[n] = append(q[n], val)
	}
	return q, nil
}

// ParsePoints reads "x:y,x:y" (or "x:y:class" when classes > 0).
func ParsePoints(s string, classes int) ([]Point, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) > MaxPoints {
		return nil, fmt.Errorf("%d points given", len(parts))
	}
	pts := make([]Point, 0, len(parts))
	for i, part := range parts {
		fields := strings.Split(part, ":")
		want := 2
		if classes > 0 {
			want = 3
		}
		if len(fields) != want {
			return nil, fmt.Errorf("point %d (%q) has %d fields, not %d", i+1, part, len(fields), want)
		}
		var pt Point
		for j, f := range fields[:2] {
			c, err := strconv.ParseFloat(f, 64)
			if err != nil || math.IsNaN(c) || math.Abs(c) > maxPointCoord {
				return nil, fmt.Errorf("point %d (%q) has a bad coordinate %q", i+1, part, f)
			}
			c = roundTo(c, pointDecimals)
			if j == 0 {
				pt.X = c
			} else {
				pt.Y = c
			}
		}
		if classes > 0 {
			cl, err := strconv.Atoi(fields[2])
			if err != nil || cl < 0 || cl >= classes {
				return nil, fmt.Errorf("point %d (%q) has class %q, not 0 to %d", i+1, part, fields[2], classes-1)
			}
			pt.Class = cl
		}
		pts = append(pts, pt)
	}
	return pts, nil
}

// EncodePoints writes points in the form ParsePoints reads, rounded to
// two decimals so the URL stays short.
func EncodePoints(pts []Point, classes int) string {
	var b strings.Builder
	for i, p := range pts {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatFloat(roundTo(p.X, pointDecimals), 'f', -1, 64))
		b.WriteByte(':')
		b.WriteString(strconv.FormatFloat(roundTo(p.Y, pointDecimals), 'f', -1, 64))
		if classes > 0 {
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(p.Class))
		}
	}
	return b.String()
}

func roundTo(x float64, decimals int) float64 {
	s := math.Pow(10, float64(decimals))
	r := math.Round(x*s) / s
	if r == 0 {
		return 0 // no "-0" in URLs
	}
	return r
}
