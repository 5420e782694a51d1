package templates

import (
	"context"
	"html"
	"os"
	"strings"
	"testing"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/scenarios"
)

// TestNotationDoc: docs/notation.md and the /notation page give the same
// table, row for row, so the README's link and the pages agree.
func TestNotationDoc(t *testing.T) {
	b, err := os.ReadFile("../../docs/notation.md")
	if err != nil {
		t.Fatal(err)
	}
	var rows []Symbol
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| symbol") || strings.HasPrefix(line, "| ---") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if len(cells) == 2 { // an empty last cell
			cells = append(cells, "")
		}
		if len(cells) != 3 {
			t.Fatalf("docs/notation.md: row %q has %d cells", line, len(cells))
		}
		rows = append(rows, Symbol{strings.TrimSpace(cells[0]), strings.TrimSpace(cells[1]), strings.TrimSpace(strings.TrimSuffix(cells[2], "|"))})
	}
	if len(rows) != len(Notation) {
		t.Fatalf("docs/notation.md has %d symbols, the page %d", len(rows), len(Notation))
	}
	for i := range rows {
		if rows[i] != Notation[i] {
			t.Errorf("row %d: docs/notation.md has %q, the page %q", i+1, rows[i], Notation[i])
		}
	}
}

// TestNotationPage: the page lists every symbol, and every scenario page
// links to it.
func TestNotationPage(t *testing.T) {
	var b strings.Builder
	if err := (Pages{}).Notation().Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	page := html.UnescapeString(b.String())
	for _, s := range Notation {
		if !strings.Contains(page, ">"+s.Symbol+"<") {
			t.Errorf("the notation page has no cell %q", s.Symbol)
		}
	}
	for _, sc := range scenarios.All() {
		v := lab.Defaults(sc.Params)
		var b strings.Builder
		if err := (Pages{}).Scenario(lab.PageData{Scenario: sc, Values: v, Query: v.Encode()}).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), `href="/notation"`) {
			t.Errorf("the %s page does not link to /notation", sc.Slug)
		}
	}
}
