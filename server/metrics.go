package server

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are one Server's Prometheus metrics, in a private registry.
type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	decisions *prometheus.CounterVec
	reloads   *prometheus.CounterVec
}

func newMetrics(s *Server) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "screen_http_requests_total",
			Help: "HTTP requests by method, route pattern and status code.",
		}, []string{"method", "route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "screen_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route"}),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "screen_decisions_total",
			Help: "Screened records by decision outcome (clear, review, block, error).",
		}, []string{"decision"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "screen_reloads_total",
			Help: "List and policy reloads by result (ok, error).",
		}, []string{"result"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.decisions, m.reloads,
		newListCollector(s),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// listCollector reports the current engine's lists at scrape time.
type listCollector struct {
	s                         *Server
	age, entities, loadedTime *prometheus.Desc
}

func newListCollector(s *Server) *listCollector {
	return &listCollector{
		s: s,
		age: prometheus.NewDesc("screen_list_age_seconds",
			"Age of each loaded list's version date, in seconds.", []string{"list", "version"}, nil),
		entities: prometheus.NewDesc("screen_list_entities",
			"Entities in each loaded list.", []string{"list"}, nil),
		loadedTime: prometheus.NewDesc("screen_lists_loaded_timestamp_seconds",
			"Unix time of the last successful list and policy load.", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *listCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.age
	ch <- c.entities
	ch <- c.loadedTime
}

// Collect implements prometheus.Collector.
func (c *listCollector) Collect(ch chan<- prometheus.Metric) {
	eng := c.s.engine()
	if eng == nil {
		return
	}
	now := c.s.opts.Clock()
	seen := map[string]bool{}
	for _, m := range eng.Lists() {
		if seen[m.Name] { // two files of one list: report the first
			continue
		}
		seen[m.Name] = true
		n := 0
		for _, k := range m.Counts {
			n += k
		}
		ch <- prometheus.MustNewConstMetric(c.entities, prometheus.GaugeValue, float64(n), m.Name)
		if age, ok := listAge(m.Version, now); ok {
			ch <- prometheus.MustNewConstMetric(c.age, prometheus.GaugeValue, age.Seconds(), m.Name, m.Version)
		}
	}
	ch <- prometheus.MustNewConstMetric(c.loadedTime, prometheus.GaugeValue, float64(c.s.loadedAt.Load())/1e9)
}

// MetricsRegisterer returns the registry behind GET /metrics, so that
// what is mounted beside the API (the review workspace) can add its own
// metrics to it.
func (s *Server) MetricsRegisterer() prometheus.Registerer { return s.metrics.reg }
