package viz

import (
	"image/color"
	"slices"
	"strings"
	"testing"
)

// TestTreeDiagramLayout: leaves take consecutive slots left to right, each
// parent sits midway between its first and last child, depth follows the
// links, unreachable nodes and cycles are skipped.
func TestTreeDiagramLayout(t *testing.T) {
	nodes := []TreeNode{
		{Label: "x1 ≤ 0.5", Children: []int{1, 2}}, // 0
		{Label: "leaf a"},                        // 1
		{Label: "x2 ≤ 1", Children: []int{3, 4}}, // 2
		{Label: "leaf b", Children: []int{0}},    // 3: a link back to the root, ignored
		{Label: "leaf c"},                        // 4
		{Label: "orphan"},                        // 5
	}
	d := newTreeDiagram(nodes)
	if got, want := d.depth, []int{0, 1, 1, 2, 2, -1}; !slices.Equal(got, want) {
		t.Errorf("depths %v, want %v", got, want)
	}
	if d.leaves != 3 || d.x[1] != 0 || d.x[3] != 1 || d.x[4] != 2 {
		t.Errorf("leaves %d at %v, want 3 at 0, 1, 2", d.leaves, d.x)
	}
	if d.x[2] != 1.5 || d.x[0] != 0.75 {
		t.Errorf("parents at %v and %v, want 1.5 and 0.75", d.x[2], d.x[0])
	}
}

// TestTreeDiagramSVG: a small tree draws every label, a big one stays a few
// elements besides its labels, and the SVG is well-formed.
func TestTreeDiagramSVG(t *testing.T) {
	small := []TreeNode{
		{Label: "x1 ≤ 0.5\n10/10", Children: []int{1, 2}, Bold: true},
		{Label: "10/0", Color: RegionColor(0)},
		{Label: "0/10", Color: RegionColor(1)},
	}
	p := NewPlot("", "", "")
	AddTreeDiagram(p, small)
	svg, _, err := SVG(p, 360, 288)
	if err != nil {
		t.Fatal(err)
	}
	wellFormed(t, svg)
	got := strings.Join(texts(t, svg), "|")
	for _, want := range []string{"x1 ≤ 0.5", "10/10", "10/0", "0/10"} {
		if !strings.Contains(got, want) {
			t.Errorf("label %q missing from %q", want, got)
		}
	}
	// A full tree of depth 7: 255 nodes.
	var big []TreeNode
	for i := range 255 {
		n := TreeNode{Label: "x2 ≤ 0.25\n12/13/14", Color: RegionColor(i % 3)}
		if 2*i+2 < 255 {
			n.Children = []int{2*i + 1, 2*i + 2}
			n.Color = color.White
		}
		big = append(big, n)
	}
	p = NewPlot("", "", "")
	AddTreeDiagram(p, big)
	svg, _, err = SVG(p, 360, 288)
	if err != nil {
		t.Fatal(err)
	}
	wellFormed(t, svg)
	if paths := strings.Count(string(svg), "<path"); paths > 12 {
		t.Errorf("255 nodes drawn with %d paths, want one per fill colour plus edges and outlines", paths)
	}
	if n := len(texts(t, svg)); n == 0 || n > 2*31 {
		t.Errorf("%d label lines: the top levels should keep theirs, the crowded ones drop them", n)
	}
}
