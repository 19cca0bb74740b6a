#!/usr/bin/env bash
# Monitoring (issue 20) runs goroutines of its own: the reverse index is
# built and queried by several workers, webhook deliveries go out in the
# background while runs store alerts, and the server runs the portfolios
# after each reload while requests are served. Its packages and the server
# and workspace code that use them run under the race detector.
set -euo pipefail
# -short: the real-list comparison of delta and full runs (three screenings
# of 10,000 items) runs in the plain test stage, not again under -race.
go test -race -short -count=1 ./monitor/... ./web/store/sqlite/
go test -race -count=1 -run 'Monitoring|OpenAPI' ./server/
go test -race -count=1 -run 'TestAlertsQueue' ./web/
