package lab_test

import (
	"testing"
	"time"

	"github.com/mlplayground/playground/internal/lab"
	"github.com/mlplayground/playground/scenarios"
)

// benchSteps is the length of the played stretch a frame is drawn at
// every step of.
const benchSteps = 20

// BenchmarkPlayedFrames plays each scenario's default run for benchSteps
// steps, drawing a frame at each, with every panel ("all", as the API
// does) and as a session does ("changed": without the panels whose
// version or SVG its client already has). It reports the time and bytes
// of a frame, the step included, and its processor time (cpu-ns/frame,
// steadier than the wall clock on a shared machine; it counts every
// thread of the process, so run with -cpu 1).
//
//	go test -run '^$' -bench PlayedFrames -cpu 1 ./internal/lab/
func BenchmarkPlayedFrames(b *testing.B) {
	for _, sc := range scenarios.All() {
		for _, mode := range []string{"all", "changed"} {
			b.Run(sc.Slug+"/"+mode, func(b *testing.B) {
				var frames, bytes int
				var spent, cpu time.Duration
				for b.Loop() {
					r, err := lab.NewRun(sc, lab.Defaults(sc.Params))
					if err != nil {
						b.Fatal(err)
					}
					sent := lab.NewSentPanels()
					t, c := time.Now(), cpuTime()
					for range benchSteps {
						var f []byte
						if mode == "all" {
							f, err = r.JSON(true)
						} else {
							f, err = r.ChangedJSON(sent)
						}
						if err != nil {
							b.Fatal(err)
						}
						frames++
						bytes += len(f)
						if r.Done() {
							break
						}
						if err := r.Step(); err != nil {
							b.Fatal(err)
						}
					}
					spent += time.Since(t)
					cpu += cpuTime() - c
				}
				b.ReportMetric(float64(spent.Nanoseconds())/float64(frames), "ns/frame")
				if cpu > 0 {
					b.ReportMetric(float64(cpu.Nanoseconds())/float64(frames), "cpu-ns/frame")
				}
				b.ReportMetric(float64(bytes)/float64(frames), "B/frame")
			})
		}
	}
}
