#!/usr/bin/env bash
# Monitoring (issue 20) runs goroutines of its own: the reverse index is
# built and queried by several workers, webhook deliveries go out in the
# background while runs store alerts, and the server runs the portfolios
# after each reload while requests are served. Its packages and the server
# and workspace code that use them run under the race detector.
set -euo pipefail
go test -race -count=1 ./monitor/... ./web/store/sqlite/
go test -race -count=1 -run 'Monitoring|OpenAPI' ./server/
go test -race -count=1 -run 'TestAlertsQueue' ./web/
