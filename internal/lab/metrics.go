package lab

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Reasons a run is refused, as /metrics labels them.
const (
	refusedBusy      = "busy"         // every run slot is taken (-max-runs)
	refusedClient    = "client_limit" // the client's address has its most runs (-max-runs-per-client)
	refusedShutdown  = "shutting_down"
	refusedParameter = "invalid_parameter"
)

// metrics are the server's Prometheus series. Each server has its own
// registry, so servers in one process (tests) do not share counters.
type metrics struct {
	reg       *prometheus.Registry
	liveRuns  *prometheus.GaugeVec     // scenario
	clients   *prometheus.GaugeVec     // scenario
	sent      *prometheus.CounterVec   // scenario
	coalesced *prometheus.CounterVec   // scenario
	step      *prometheus.HistogramVec // scenario
	frame     *prometheus.HistogramVec // scenario
	refused   *prometheus.CounterVec   // reason
	cut       *prometheus.CounterVec   // scenario
	released  *prometheus.CounterVec   // scenario
}

// workBuckets span a cheap step (10 µs) to a frame a server should never
// draw (about 10 s), a factor of 3.5 apart.
var workBuckets = prometheus.ExponentialBucketsRange(10e-6, 10, 12)

func newMetrics(scenarios []*Scenario) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		liveRuns: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "playground_live_runs",
			Help: "Runs live now (websockets and headless requests), by scenario."}, []string{"scenario"}),
		clients: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "playground_clients",
			Help: "Websocket clients connected now, by scenario."}, []string{"scenario"}),
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "playground_frames_sent_total",
			Help: "Frames written to websocket clients."}, []string{"scenario"}),
		coalesced: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "playground_frames_coalesced_total",
			Help: "Frames replaced by a newer one before a slow client could take them."}, []string{"scenario"}),
		step: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "playground_step_seconds",
			Help: "Time to take one training step.", Buckets: workBuckets}, []string{"scenario"}),
		frame: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "playground_render_seconds",
			Help: "Time to build one frame or plot (drawing and encoding).", Buckets: workBuckets}, []string{"scenario"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "playground_runs_refused_total",
			Help: "Runs refused, by reason."}, []string{"reason"}),
		cut: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "playground_requests_cut_total",
			Help: "Headless requests cut for using up their computing time (-request-budget)."}, []string{"scenario"}),
		released: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "playground_runs_released_total",
			Help: "Websocket runs released after being paused with no message for -idle-release."}, []string{"scenario"}),
	}
	m.reg.MustRegister(m.liveRuns, m.clients, m.sent, m.coalesced, m.step, m.frame, m.refused, m.cut, m.released,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	// Every series exists from the start, at zero, so a rate is defined
	// before the first event.
	for _, sc := range scenarios {
		for _, v := range []*prometheus.GaugeVec{m.liveRuns, m.clients} {
			v.WithLabelValues(sc.Slug)
		}
		for _, v := range []*prometheus.CounterVec{m.sent, m.coalesced, m.cut, m.released} {
			v.WithLabelValues(sc.Slug)
		}
		m.step.WithLabelValues(sc.Slug)
		m.frame.WithLabelValues(sc.Slug)
	}
	for _, r := range []string{refusedBusy, refusedClient, refusedShutdown, refusedParameter} {
		m.refused.WithLabelValues(r)
	}
	return m
}

// observe records the time of one unit of work.
func (m *metrics) observe(slug, unit string, d time.Duration) {
	h := m.step
	if unit == unitFrame {
		h = m.frame
	}
	h.WithLabelValues(slug).Observe(d.Seconds())
}

// watch counts the panel cache's lookups and reports its size; a nil
// cache reports nothing.
func (m *metrics) watch(c *PanelCache) {
	if c == nil {
		return
	}
	lookups := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "playground_panel_cache_lookups_total",
		Help: "Panels looked up in the cache runs share, by result (hit: not drawn again)."}, []string{"result"})
	hit, miss := lookups.WithLabelValues("hit"), lookups.WithLabelValues("miss")
	c.counter = func(ok bool) {
		if ok {
			hit.Inc()
		} else {
			miss.Inc()
		}
	}
	size := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "playground_panel_cache_bytes",
		Help: "Bytes of SVG held in the panel cache."}, func() float64 { _, n := c.Len(); return float64(n) })
	m.reg.MustRegister(lookups, size)
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
