package scenarios

import (
	"encoding/xml"
	"errors"
	"fmt"
	"image/color"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/internal/viz"
)

// A panel at step 0 must show something: the data, the starting state, or a
// sentence saying what will appear and when. TestNoBlankPanelAtStart checks
// every panel of every scenario at its defaults and at each option of each
// enum parameter (one at a time, the rest at their defaults).
//
// Blank is decided on the SVG our writer produces. Its parts are:
//   - the background: a path starting at the canvas origin;
//   - the axes: axis lines, tick marks and tick labels, axis labels and the
//     title, all drawn outside the data area (gonum pads the axes off it);
//   - the grid: lines stroked in the grid colours (viz's inkGrid and the
//     translucent white drawn over region maps);
//   - white backings: unstroked white fills (a legend's box, the ground
//     of a diagram).
//
// Every text must also reach WCAG AA contrast (4.5:1) on white.
//
// Anything else is a data mark: an image, a circle, a path whose first point
// lies in the data area, a text of at least 11 pt anchored in the data area
// (a sentence saying what will appear, a title over a drawing). Legends and
// line labels (10 pt) do not count: a legend beside nothing is blank. A
// panel with no data mark is blank.
func TestNoBlankPanelAtStart(t *testing.T) {
	for _, sc := range All() {
		for _, query := range blankCases(sc) {
			t.Run(sc.Slug+"?"+query, func(t *testing.T) {
				q, err := lab.ParseQuery(query)
				if err != nil {
					t.Fatal(err)
				}
				v, err := lab.Parse(sc.Params, q)
				if err != nil {
					t.Fatal(err)
				}
				r, err := lab.NewRun(sc, v)
				var pe *lab.ParamError
				if errors.As(err, &pe) {
					// A setting refused with the defaults (a regression data
					// set with a classification problem): change one other
					// enum parameter until it runs.
					r, err = runWithAnyOption(sc, query)
				}
				if err != nil {
					t.Fatal(err)
				}
				for _, pn := range sc.PanelsFor(r.Values) { // a panel the run hides is not blank
					svg, vp, err := r.SVG(pn.Name)
					if err != nil {
						t.Fatalf("panel %s: %v", pn.Name, err)
					}
					n, faint, err := dataMarks(svg, vp.Rect)
					if err != nil {
						t.Fatalf("panel %s: %v", pn.Name, err)
					}
					if n == 0 {
						t.Errorf("panel %q (%s) is blank at step 0: no data mark in its SVG", pn.Name, pn.Title)
					}
					for _, f := range faint {
						t.Errorf("panel %q at step 0: text %s", pn.Name, f)
					}
				}
			})
		}
	}
}

// TestTextContrast checks the WCAG AA contrast of every text of every
// panel of every scenario at its defaults over its first steps, where the
// stage-by-stage scenarios (backprop, PCA) write most of their coloured
// text.
func TestTextContrast(t *testing.T) {
	const steps = 9
	for _, sc := range All() {
		t.Run(sc.Slug, func(t *testing.T) {
			r, err := lab.NewRun(sc, lab.Defaults(sc.Params))
			if err != nil {
				t.Fatal(err)
			}
			for step := 0; step <= steps; step++ {
				for _, pn := range sc.Panels {
					svg, vp, err := r.SVG(pn.Name)
					if err != nil {
						t.Fatalf("step %d panel %s: %v", step, pn.Name, err)
					}
					_, faint, err := dataMarks(svg, vp.Rect)
					if err != nil {
						t.Fatalf("step %d panel %s: %v", step, pn.Name, err)
					}
					for _, f := range faint {
						t.Errorf("panel %q at step %d: text %s", pn.Name, step, f)
					}
				}
				if r.Done() {
					break
				}
				if err := r.Step(); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// blankCases are the defaults and each enum option with the rest at defaults.
func blankCases(sc *lab.Scenario) []string {
	cases := []string{""}
	for _, p := range sc.Params {
		if p.Kind != lab.KindEnum {
			continue
		}
		for _, o := range p.Options {
			if o != p.Default {
				cases = append(cases, p.Name+"="+o)
			}
		}
	}
	return cases
}

// runWithAnyOption runs sc at query with one other enum parameter set to
// the first of its options the scenario accepts beside query.
func runWithAnyOption(sc *lab.Scenario, query string) (*lab.Run, error) {
	for _, p := range sc.Params {
		if p.Kind != lab.KindEnum || strings.HasPrefix(query, p.Name+"=") {
			continue
		}
		for _, o := range p.Options {
			q, err := lab.ParseQuery(query + "&" + p.Name + "=" + o)
			if err != nil {
				return nil, err
			}
			v, err := lab.Parse(sc.Params, q)
			if err != nil {
				continue
			}
			if r, err := lab.NewRun(sc, v); err == nil {
				return r, nil
			}
		}
	}
	return nil, fmt.Errorf("no other enum option makes %s run", query)
}

// minMarkText is the smallest font size of a text that counts as a data
// mark: notices (viz.AddNotice) and titles are 11 pt or more, while
// legends and the labels of reference lines are 10 pt, and a legend
// beside nothing is still a blank panel.
const minMarkText = 11

// gridStrokes are the colours grid lines are stroked in.
var gridStrokes = map[string]bool{"#E4E4E4": true, "#FFFFFF": true}

// dataMarks counts the data marks of an SVG document whose data area is
// rect ([left, top, right, bottom], origin at the top left, as
// viz.Viewport gives it). See TestNoBlankPanelAtStart for what counts.
// faint lists the texts whose colour is below WCAG AA contrast (4.5:1)
// on white, the panels' background.
func dataMarks(svg []byte, rect [4]float64) (marks int, faint []string, err error) {
	dec := xml.NewDecoder(strings.NewReader(string(svg)))
	var height float64
	type style struct {
		stroke, fill string
		size         float64 // font size
	}
	stack := []style{{}}
	inside := func(x, y float64) bool {
		// x, y with the origin at the top left.
		const tol = 0.05
		return x >= rect[0]-tol && x <= rect[2]+tol && y >= rect[1]-tol && y <= rect[3]+tol
	}
	var text *textRun
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return marks, faint, nil
		}
		if err != nil {
			return 0, nil, fmt.Errorf("parsing svg: %w", err)
		}
		switch el := tok.(type) {
		case xml.CharData:
			if text != nil {
				text.s += string(el)
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
			if el.Name.Local == "text" && text != nil {
				// White text is written on a dark fill (a colour grid's
				// cell), which picks it for contrast.
				if c, ok := parseHex(text.fill); text.fill != "#FFFFFF" && (!ok || viz.Contrast(c, color.White) < 4.5) {
					faint = append(faint, fmt.Sprintf("%q in %s has contrast below 4.5:1 on white", text.s, text.fill))
				}
				text = nil
			}
		case xml.StartElement:
			attr := map[string]string{}
			for _, a := range el.Attr {
				attr[a.Name.Local] = a.Value
			}
			st := stack[len(stack)-1]
			if s, ok := attr["stroke"]; ok {
				st.stroke = strings.ToUpper(s)
			}
			if f, ok := attr["fill"]; ok {
				st.fill = f
			}
			if fs, ok := attr["font-size"]; ok {
				st.size, _ = strconv.ParseFloat(fs, 64)
			}
			stack = append(stack, st)
			switch el.Name.Local {
			case "svg":
				vb := strings.Fields(attr["viewBox"])
				if len(vb) != 4 {
					return 0, nil, fmt.Errorf("svg without a viewBox")
				}
				height, _ = strconv.ParseFloat(vb[3], 64)
			case "image", "circle", "ellipse", "rect", "use", "polygon", "polyline":
				marks++
			case "text":
				text = &textRun{fill: st.fill}
				// Texts are written under scale(1,-1): y is the negated
				// distance from the bottom edge.
				x, _ := strconv.ParseFloat(attr["x"], 64)
				y, _ := strconv.ParseFloat(attr["y"], 64)
				if inside(x, height+y) && st.size >= minMarkText {
					marks++
				}
			case "path":
				d := attr["d"]
				if strings.HasPrefix(d, "M0,0h") || gridStrokes[st.stroke] && st.fill == "none" {
					continue
				}
				if strings.EqualFold(st.fill, "#FFFFFF") && (st.stroke == "" || st.stroke == "NONE") {
					continue // a white backing: a legend's box, a diagram's ground
				}
				x, y, ok := firstPoint(d)
				// Paths are in gonum's coordinates, origin at the bottom left.
				if ok && inside(x, height-y) {
					marks++
				}
			}
		}
	}
}

// textRun is a text element being read: its fill and its characters.
type textRun struct{ fill, s string }

// parseHex reads an SVG colour written as #RRGGBB.
func parseHex(s string) (color.Color, bool) {
	if len(s) != 7 || s[0] != '#' {
		return nil, false
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return nil, false
	}
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xFF}, true
}

// firstPoint is the point of a path's leading M command.
func firstPoint(d string) (x, y float64, ok bool) {
	if !strings.HasPrefix(d, "M") {
		return 0, 0, false
	}
	end := strings.IndexFunc(d[1:], func(r rune) bool {
		return r != '.' && r != ',' && r != '-' && r != 'e' && (r < '0' || r > '9')
	})
	if end < 0 {
		end = len(d) - 1
	}
	xs, ys, found := strings.Cut(d[1:1+end], ",")
	if !found {
		return 0, 0, false
	}
	var err1, err2 error
	x, err1 = strconv.ParseFloat(xs, 64)
	y, err2 = strconv.ParseFloat(ys, 64)
	return x, y, err1 == nil && err2 == nil
}
