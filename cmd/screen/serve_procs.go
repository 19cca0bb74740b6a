package main

import (
	"fmt"
	"os"
	"runtime"

	"github.com/urfave/cli/v2"
)

// procsPerCPU and maxAutoProcs size the Go scheduler of `screen serve`
// when neither --procs, the GOMAXPROCS environment variable nor a CPU
// limit chose it: 8 processors per CPU, at most 64.
//
// Why more processors than CPUs: each Go processor keeps its own queue of
// runnable goroutines, and a request's goroutine waits in the queue of the
// processor whose network poll found it. When the kernel takes that
// processor's thread off its CPU (for another process: a co-located load
// generator, a backup, the hypervisor's other guests), every request in its
// queue waits until the thread runs again, while the other processor serves
// newer requests. A runtime trace of serve at 64 connections on 2 CPUs
// showed handlers taking 0.07 ms (p99 0.3 ms) but connection goroutines
// waiting 2.2 ms (p99 16 ms) to run. With 16 processors each holds a few
// goroutines, and the kernel's fair scheduler shares the CPUs among their
// threads: p90 10.4-12.2 → 6.7-7.5 ms and p99 20.6-28.1 → 17.4-18.5 ms at
// the same CPU time per request (README → Performance → Issue 21).
//
// A CPU limit (a cgroup quota that lowers Go's default below the CPU count)
// is left alone: there, threads beyond the quota would be throttled for
// the rest of each period, which is worse than queueing. When Go's default
// is the CPU count (no quota, or one Go rounds up to it), its processors
// can already keep every CPU busy, so more of them cannot use more CPU.
const (
	procsPerCPU  = 8
	maxAutoProcs = 64
)

// serveProcs returns the GOMAXPROCS serve runs with. flag is --procs (0 =
// automatic); current is Go's setting at start (runtime.GOMAXPROCS(0)),
// cpus the CPUs the process may use (runtime.NumCPU()) and envSet whether
// the GOMAXPROCS environment variable is set.
func serveProcs(flag, current, cpus int, envSet bool) int {
	switch {
	case flag > 0:
		return flag
	case envSet || current < cpus:
		return current // the operator's or the CPU limit's choice
	}
	return max(current, min(procsPerCPU*cpus, maxAutoProcs))
}

// setServeProcs applies --procs (see serveProcs). It makes --workers
// explicit first, so that batches, workspace runs and monitoring keep one
// worker per CPU (Go's setting at start, or the CPU count if that is
// lower) rather than one per processor. It returns the processors now in
// use and a function that restores Go's previous setting.
func setServeProcs(c *cli.Context) (procs int, restore func(), err error) {
	if c.Int("procs") < 0 {
		return 0, nil, fmt.Errorf("--procs %d: want 0 (automatic) or more", c.Int("procs"))
	}
	current := runtime.GOMAXPROCS(0)
	if c.Int("workers") <= 0 { // the server reads 0 or less as "one per processor"
		if err := c.Set("workers", fmt.Sprint(min(current, runtime.NumCPU()))); err != nil {
			return 0, nil, fmt.Errorf("--workers: %w", err)
		}
	}
	_, envSet := os.LookupEnv("GOMAXPROCS")
	procs = serveProcs(c.Int("procs"), current, runtime.NumCPU(), envSet)
	if procs == current {
		return procs, func() {}, nil
	}
	runtime.GOMAXPROCS(procs)
	return procs, func() { runtime.GOMAXPROCS(current) }, nil
}
