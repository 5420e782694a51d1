package viz

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// svgWriter (svgcanvas.go) hands its elements to the compactor's writer
// directly, as they would be parsed from vgsvg's text; compact itself
// reads that text, for the tests and for documents svgWriter declines.
//
// The compactor rewrites the SVG that vgsvg writes, which is regular:
// one element per line, double-quoted attributes, styles inline, text
// content already escaped. It is not a general SVG optimiser; compact
// returns an error on anything it does not expect, and the tests render
// real plots through it so a gonum upgrade that changes the output fails
// there first.
//
// The rewrites, which leave the rendering unchanged except where noted:
//   - the XML declaration, comments and whitespace between elements go;
//   - coordinates are rounded to 0.1 user unit (0.1 pt, well under a pixel
//     at any size the page shows), and polyline segments become relative
//     (l, h, v) so long curves cost a few bytes per point;
//   - the two-arc path vgsvg draws for a full circle becomes <circle>, and
//     a fill followed by a stroke of the same shape becomes one element;
//   - inline styles become presentation attributes, default font values
//     are dropped and the font family moves to the root with fallbacks;
//   - <image> gets preserveAspectRatio="none": the one intended change,
//     vgsvg leaves it out and browsers then letterbox the raster;
//   - runs of sibling elements sharing inherited attributes (and the same
//     transform) are wrapped in one <g> that carries them once.

// rootFont is set on the root element; texts in Liberation Sans inherit it,
// and browsers without the font fall back to metrically similar ones.
const rootFont = "Liberation Sans,Arial,Helvetica,sans-serif"

// fontFallback gives other Liberation families a fallback chain too.
var fontFallback = map[string]string{
	"Liberation Sans":  rootFont,
	"Liberation Serif": "Liberation Serif,Times New Roman,serif",
	"Liberation Mono":  "Liberation Mono,Courier New,monospace",
}

// inherited are the presentation attributes vgsvg emits that inherit, so a
// group can carry them for its children.
var inherited = map[string]bool{
	"fill": true, "fill-opacity": true,
	"stroke": true, "stroke-opacity": true, "stroke-width": true,
	"stroke-dasharray": true, "stroke-dashoffset": true,
	"font-family": true, "font-size": true, "font-weight": true,
	"font-style": true, "font-variant": true,
}

type attr struct{ name, val string }

// leaf is a childless element: path, circle, image, or text with content.
type leaf struct {
	name    string
	geom    []attr // attributes that stay on the element
	shared  []attr // inherited attributes and transform, hoistable to a <g>
	content string // raw (escaped) text content
}

// sameShared reports whether two leaves could share one group.
func sameShared(a, b *leaf) bool {
	if len(a.shared) == 0 || len(a.shared) != len(b.shared) {
		return false
	}
	for i := range a.shared {
		if a.shared[i] != b.shared[i] {
			return false
		}
	}
	return true
}

func lookup(list []attr, name string) (string, bool) {
	for _, a := range list {
		if a.name == name {
			return a.val, true
		}
	}
	return "", false
}

// compact rewrites vgsvg output; see the comment at the top of the file.
func compact(in []byte) ([]byte, error) {
	w := writer{out: bytes.NewBuffer(make([]byte, 0, len(in)/2))}
	s := string(in)
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			i = len(s)
		}
		if strings.TrimSpace(s[:i]) != "" {
			return nil, fmt.Errorf("unexpected text %q", clip(s[:i]))
		}
		s = s[i:]
		switch {
		case s == "":
		case strings.HasPrefix(s, "<?"):
			s, i = skipPast(s, "?>")
		case strings.HasPrefix(s, "<!--"):
			s, i = skipPast(s, "-->")
		case strings.HasPrefix(s, "</"):
			j := strings.IndexByte(s, '>')
			if j < 0 {
				return nil, errors.New("unterminated end tag")
			}
			w.flush()
			w.out.WriteString(s[:j+1])
			s = s[j+1:]
		default:
			name, attrs, selfClose, rest, err := parseTag(s)
			if err != nil {
				return nil, err
			}
			s = rest
			var content string
			if name == "text" && !selfClose {
				j := strings.Index(s, "</text>")
				if j < 0 {
					return nil, errors.New("unterminated <text>")
				}
				content, s = s[:j], s[j+len("</text>"):]
				selfClose = true
			}
			if err := w.element(name, attrs, selfClose, content); err != nil {
				return nil, err
			}
		}
		if i < 0 {
			return nil, errors.New("unterminated declaration or comment")
		}
	}
	w.flush()
	return w.out.Bytes(), nil
}

func skipPast(s, end string) (string, int) {
	i := strings.Index(s, end)
	if i < 0 {
		return "", -1
	}
	return s[i+len(end):], i
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// parseTag reads "<name a="v" ...>" or ".../>" at the start of s.
func parseTag(s string) (name string, attrs []attr, selfClose bool, rest string, err error) {
	i := 1
	for i < len(s) && !isSpace(s[i]) && s[i] != '>' && s[i] != '/' {
		i++
	}
	name = s[1:i]
	for {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i >= len(s) {
			return "", nil, false, "", fmt.Errorf("unterminated <%s>", name)
		}
		switch {
		case s[i] == '>':
			return name, attrs, false, s[i+1:], nil
		case strings.HasPrefix(s[i:], "/>"):
			return name, attrs, true, s[i+2:], nil
		}
		eq := strings.IndexByte(s[i:], '=')
		if eq < 0 || i+eq+1 >= len(s) || s[i+eq+1] != '"' {
			return "", nil, false, "", fmt.Errorf("bad attribute in <%s>", name)
		}
		an := s[i : i+eq]
		start := i + eq + 2
		end := strings.IndexByte(s[start:], '"')
		if end < 0 {
			return "", nil, false, "", fmt.Errorf("unterminated attribute in <%s>", name)
		}
		attrs = append(attrs, attr{an, s[start : start+end]})
		i = start + end + 1
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// writer emits compacted elements. It holds back the last leaf (it may
// merge with the next) and the current run of leaves sharing attributes.
type writer struct {
	out  *bytes.Buffer
	last *leaf
	run  []*leaf
}

func (w *writer) element(name string, attrs []attr, selfClose bool, content string) error {
	switch name {
	case "path", "image", "text", "circle":
		if !selfClose {
			return fmt.Errorf("<%s> with children", name)
		}
		l, err := newLeaf(name, attrs, content)
		if err != nil {
			return err
		}
		w.add(l)
		return nil
	}
	w.flush()
	w.out.WriteByte('<')
	w.out.WriteString(name)
	for _, a := range attrs {
		switch {
		case name == "svg" && a.name == "font-family":
			continue
		case a.name == "transform":
			a.val = compactTransform(a.val)
		}
		writeAttr(w.out, a)
	}
	if name == "svg" {
		writeAttr(w.out, attr{"font-family", rootFont})
	}
	if selfClose {
		w.out.WriteString("/>")
	} else {
		w.out.WriteByte('>')
	}
	return nil
}

func (w *writer) add(l *leaf) {
	if w.last != nil && merge(w.last, l) {
		return
	}
	w.push()
	w.last = l
}

// push moves the held-back leaf into the run.
func (w *writer) push() {
	l := w.last
	if l == nil {
		return
	}
	w.last = nil
	if len(w.run) > 0 && sameShared(w.run[0], l) {
		w.run = append(w.run, l)
		return
	}
	w.flushRun()
	w.run = append(w.run, l)
}

func (w *writer) flush() {
	w.push()
	w.flushRun()
}

func (w *writer) flushRun() {
	grouped := len(w.run) > 1 // sameShared admits no empty sets
	if grouped {
		w.out.WriteString("<g")
		for _, a := range w.run[0].shared {
			writeAttr(w.out, a)
		}
		w.out.WriteByte('>')
	}
	for _, l := range w.run {
		writeLeaf(w.out, l, !grouped)
	}
	if grouped {
		w.out.WriteString("</g>")
	}
	w.run = w.run[:0]
}

func writeLeaf(b *bytes.Buffer, l *leaf, withShared bool) {
	b.WriteByte('<')
	b.WriteString(l.name)
	for _, a := range l.geom {
		writeAttr(b, a)
	}
	if withShared {
		for _, a := range l.shared {
			writeAttr(b, a)
		}
	}
	if l.name == "text" {
		b.WriteByte('>')
		b.WriteString(l.content)
		b.WriteString("</text>")
		return
	}
	b.WriteString("/>")
}

func writeAttr(b *bytes.Buffer, a attr) {
	b.WriteByte(' ')
	b.WriteString(a.name)
	b.WriteString(`="`)
	b.WriteString(a.val)
	b.WriteByte('"')
}

// merge folds a stroke of the same shape into the preceding fill, as SVG
// paints fill then stroke within one element.
func merge(fill, stroke *leaf) bool {
	if fill.name != stroke.name || (fill.name != "circle" && fill.name != "path") {
		return false
	}
	if f, _ := lookup(fill.shared, "fill"); f == "none" {
		return false
	}
	if _, ok := lookup(fill.shared, "stroke"); ok {
		return false
	}
	if f, _ := lookup(stroke.shared, "fill"); f != "none" {
		return false
	}
	if _, ok := lookup(stroke.shared, "stroke"); !ok {
		return false
	}
	if len(fill.geom) != len(stroke.geom) {
		return false
	}
	for i := range fill.geom {
		if fill.geom[i] != stroke.geom[i] {
			return false
		}
	}
	for _, a := range stroke.shared {
		if a.name != "fill" {
			fill.shared = append(fill.shared, a)
		}
	}
	return true
}

// newLeaf converts one vgsvg element to its compact form.
func newLeaf(name string, attrs []attr, content string) (*leaf, error) {
	l := &leaf{name: name, content: content}
	for _, a := range attrs {
		switch a.name {
		case "style":
			if err := l.addStyle(a.val); err != nil {
				return nil, err
			}
		case "d":
			if cx, cy, r, ok := parseCircle(a.val); ok {
				l.name = "circle"
				l.geom = append(l.geom, attr{"cx", cx}, attr{"cy", cy}, attr{"r", r})
				continue
			}
			d, err := compactPath(a.val)
			if err != nil {
				return nil, err
			}
			l.geom = append(l.geom, attr{"d", d})
		case "x", "y", "width", "height", "cx", "cy", "r":
			l.geom = append(l.geom, attr{a.name, roundNums(a.val)})
		case "transform":
			l.shared = append(l.shared, attr{a.name, compactTransform(a.val)})
		case "xlink:href":
			l.geom = append(l.geom, a)
		default:
			if inherited[a.name] {
				l.shared = append(l.shared, a)
			} else {
				l.geom = append(l.geom, a)
			}
		}
	}
	if l.name == "image" {
		// vgsvg omits this, so browsers letterbox a square raster in a
		// non-square data area instead of stretching it over the axes'
		// range as vgimg does.
		l.geom = append(l.geom, attr{"preserveAspectRatio", "none"})
	}
	return l, nil
}

// addStyle turns an inline style into attributes, dropping font values
// that are the defaults and the family the root already sets.
func (l *leaf) addStyle(style string) error {
	for decl := range strings.SplitSeq(style, ";") {
		k, v, ok := strings.Cut(decl, ":")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" {
			if strings.TrimSpace(decl) == "" {
				continue
			}
			return fmt.Errorf("bad style %q", clip(style))
		}
		switch k {
		case "font-variant", "font-weight", "font-style":
			if v == "normal" {
				continue
			}
		case "font-family":
			if v == "Liberation Sans" {
				continue
			}
			if fb, ok := fontFallback[v]; ok {
				v = fb
			}
		case "font-size":
			v = strings.TrimSuffix(v, "px") // a px is one user unit
		}
		if inherited[k] {
			l.shared = append(l.shared, attr{k, v})
		} else {
			l.geom = append(l.geom, attr{k, v})
		}
	}
	return nil
}

// compactTransform rounds the numbers and drops the spaces after commas.
func compactTransform(s string) string {
	return strings.ReplaceAll(roundNums(s), ", ", ",")
}

// roundNums rounds every number in s to tenths.
func roundNums(s string) string {
	var b []byte
	last := 0
	for i := 0; i < len(s); {
		v, n := scanNumber(s[i:])
		if n == 0 || (i > 0 && isNameChar(s[i-1])) {
			i++
			continue
		}
		b = append(b, s[last:i]...)
		b = appendTenths(b, tenths(v))
		i += n
		last = i
	}
	if b == nil {
		return s
	}
	return string(append(b, s[last:]...))
}

func isNameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '#'
}

// pow10 holds the powers of ten that are exact in a float64.
var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// scanNumber reads the number at the start of s and returns its value and
// length, or n == 0 if there is none. vgsvg prints at most 5 significant
// digits, so the common case is an exact integer divided by an exact power
// of ten, which IEEE division rounds exactly as strconv would; anything
// longer goes to strconv. Parsing is most of compaction's time.
func scanNumber(s string) (v float64, n int) {
	i := 0
	neg := false
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	var mant uint64
	digits, frac := 0, 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		mant = mant*10 + uint64(s[i]-'0')
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			mant = mant*10 + uint64(s[i]-'0')
			i++
			digits++
			frac++
		}
	}
	if digits == 0 {
		return 0, 0
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		eneg := j < len(s) && s[j] == '-'
		if j < len(s) && (s[j] == '-' || s[j] == '+') {
			j++
		}
		k := j
		for k < len(s) && s[k] >= '0' && s[k] <= '9' && k-j < 4 {
			exp = exp*10 + int(s[k]-'0')
			k++
		}
		if k > j {
			i = k
			if eneg {
				exp = -exp
			}
		}
	}
	if e := exp - frac; digits <= 15 && e >= -22 && e <= 22 {
		v = float64(mant)
		if e < 0 {
			v /= pow10[-e]
		} else {
			v *= pow10[e]
		}
		if neg {
			v = -v
		}
		return v, i
	}
	v, err := strconv.ParseFloat(s[:i], 64)
	if err != nil {
		return 0, 0
	}
	return v, i
}

func tenths(v float64) int64 { return int64(math.Round(v * 10)) }

// appendTenths writes n/10 in the shortest form: "12", "1.5", ".5", "-.5".
func appendTenths(b []byte, n int64) []byte {
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	if q := n / 10; q != 0 {
		b = strconv.AppendInt(b, q, 10)
	} else if n == 0 {
		return append(b, '0')
	}
	if f := n % 10; f != 0 {
		b = append(b, '.', byte('0'+f))
	}
	return b
}

// pathCmd is one command of a vgsvg path with its absolute arguments.
type pathCmd struct {
	op   byte
	args [7]float64
}

// arity is the number of arguments of a path command, or -1.
func arity(c byte) int {
	switch c {
	case 'M', 'L':
		return 2
	case 'A':
		return 7
	case 'Q':
		return 4
	case 'C':
		return 6
	case 'Z':
		return 0
	}
	return -1
}

// parsePath reads the absolute-command paths vgsvg writes, appending to
// cmds (so callers can pass a stack buffer).
func parsePath(d string, cmds []pathCmd) ([]pathCmd, error) {
	i := 0
	for i < len(d) {
		c := d[i]
		if isSpace(c) || c == ',' {
			i++
			continue
		}
		n := arity(c)
		if n < 0 {
			return nil, fmt.Errorf("unsupported path command %q", c)
		}
		i++
		cmd := pathCmd{op: c}
		for k := range n {
			for i < len(d) && (isSpace(d[i]) || d[i] == ',') {
				i++
			}
			v, m := scanNumber(d[i:])
			if m == 0 {
				return nil, fmt.Errorf("bad path data %q", clip(d))
			}
			cmd.args[k] = v
			i += m
		}
		cmds = append(cmds, cmd)
	}
	return cmds, nil
}

// parseCircle recognises vgsvg's full circle: a move to the rightmost
// point, two half-circle arcs, close. The centre is the midpoint of the
// first arc's ends; vgsvg prints 5 significant digits, hence the slack.
func parseCircle(d string) (cx, cy, r string, ok bool) {
	if len(d) == 0 || d[0] != 'M' || strings.Count(d, "A") != 2 || !strings.HasSuffix(d, "Z") {
		return "", "", "", false
	}
	var buf [4]pathCmd
	cmds, err := parsePath(d, buf[:0])
	if err != nil {
		return "", "", "", false
	}
	return circleOf(cmds)
}

// circleOf recognises the commands of vgsvg's full circle; see parseCircle.
func circleOf(cmds []pathCmd) (cx, cy, r string, ok bool) {
	if len(cmds) != 4 || cmds[0].op != 'M' || cmds[1].op != 'A' || cmds[2].op != 'A' || cmds[3].op != 'Z' {
		return "", "", "", false
	}
	m, a1, a2 := cmds[0].args, cmds[1].args, cmds[2].args
	rad := a1[0]
	tol := 0.02 + rad*1e-3
	if rad <= 0 || a1[1] != rad || a2[0] != rad || a2[1] != rad ||
		math.Abs(a2[5]-m[0]) > tol || math.Abs(a2[6]-m[1]) > tol ||
		math.Abs(math.Hypot(a1[5]-m[0], a1[6]-m[1])-2*rad) > 2*tol {
		return "", "", "", false
	}
	f := func(v float64) string {
		var b [24]byte // one allocation a number: the string
		return string(appendTenths(b[:0], tenths(v)))
	}
	return f((m[0] + a1[5]) / 2), f((m[1] + a1[6]) / 2), f(rad), true
}

// compactPath rounds a path to tenths and writes line segments relative to
// the rounded previous point, so rounding errors do not accumulate.
func compactPath(d string) (string, error) {
	cmds, err := parsePath(d, make([]pathCmd, 0, strings.Count(d, "L")+2))
	if err != nil {
		return "", err
	}
	return string(appendCompactPath(make([]byte, 0, len(d)/2), cmds)), nil
}

// appendCompactPath appends the compact form of cmds to b; see compactPath.
func appendCompactPath(b []byte, cmds []pathCmd) []byte {
	var last byte // last command letter written, for implicit repeats
	var cx, cy, sx, sy int64
	num := func(v int64, first bool) {
		if !first && v >= 0 {
			b = append(b, ',')
		}
		b = appendTenths(b, v)
	}
	op := func(c byte) {
		if c == last && (c == 'l' || c == 'h' || c == 'v') {
			return // repeated implicitly; a separator keeps numbers apart
		}
		b = append(b, c)
		last = c
	}
	for _, c := range cmds {
		a := c.args
		switch c.op {
		case 'M':
			x, y := tenths(a[0]), tenths(a[1])
			b = append(b, 'M')
			last = 'M'
			num(x, true)
			num(y, false)
			cx, cy, sx, sy = x, y, x, y
		case 'L':
			x, y := tenths(a[0]), tenths(a[1])
			dx, dy := x-cx, y-cy
			switch {
			case dx == 0 && dy == 0:
				continue // zero length with butt caps draws nothing
			case dy == 0:
				rep := last == 'h'
				op('h')
				num(dx, !rep)
			case dx == 0:
				rep := last == 'v'
				op('v')
				num(dy, !rep)
			default:
				rep := last == 'l'
				op('l')
				num(dx, !rep)
				num(dy, false)
			}
			cx, cy = x, y
		case 'Z':
			b = append(b, 'Z')
			last = 'Z'
			cx, cy = sx, sy
		default: // A, Q, C stay absolute
			b = append(b, c.op)
			last = c.op
			n := arity(c.op)
			for k := range n {
				v := tenths(a[k])
				if c.op == 'A' && k < 5 {
					// Radii, rotation and flags, separated plainly:
					// flags are single digits that some parsers want
					// spaced.
					if k > 0 {
						b = append(b, ' ')
					}
					b = appendTenths(b, v)
					continue
				}
				if c.op == 'A' && k == 5 {
					b = append(b, ' ')
					b = appendTenths(b, v)
					continue
				}
				num(v, k == 0)
			}
			cx, cy = tenths(a[n-2]), tenths(a[n-1])
		}
	}
	return b
}
