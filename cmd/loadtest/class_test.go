package main

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"testing"
)

// TestClassReports plays a class of two for a moment and checks that
// every figure is reported. It asserts what was counted, not how fast.
func TestClassReports(t *testing.T) {
	if testing.Short() {
		t.Skip("plays two runs for a second")
	}
	var out bytes.Buffer
	err := run(context.Background(), []string{"-class", "2", "-path", "/ws/kmeans", "-pace", "5", "-warm", "300ms", "-duration", "1s"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`2 students, each playing /ws/kmeans at 5 steps/s`,
		`frames/s per student +min [0-9.]+ +p10 [0-9.]+ +median [0-9.]+`,
		`steps/s per student +min [0-9.]+ +median [0-9.]+ +\(asked: 5\)`,
		`KB/frame`,
		`cores`,
		`MB per student`,
	} {
		if !regexp.MustCompile(want).Match(out.Bytes()) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	// Both runs played: the median student saw frames.
	m := regexp.MustCompile(`median ([0-9.]+)`).FindSubmatch(out.Bytes())
	if m == nil {
		t.Fatalf("no median in\n%s", out.String())
	}
	if v, _ := strconv.ParseFloat(string(m[1]), 64); v <= 0 {
		t.Errorf("median student received no frames:\n%s", out.String())
	}
}

func TestClassRefusesMissingServer(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"-class", "1", "-url", "http://127.0.0.1:1"}, &out)
	if err == nil {
		t.Fatal("a class against no server reported no error")
	}
}
