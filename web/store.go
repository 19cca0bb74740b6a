package web

import (
	"time"

	"github.com/screen-compliance/screen/web/store"
)

// The workspace keeps its runs, records, reviews and sessions in a
// store.Store (Options.Store; by default the SQLite store in Options.Dir)
// and uses nothing else of the database.

// nowText formats a time as the store's text times: RFC 3339 in UTC.
func nowText(t time.Time) string { return store.Text(t) }

// parseTime reads a time written by nowText; a bad value gives the zero time.
func parseTime(s string) time.Time { return store.ParseText(s) }

// errNotFound is returned when a run or record does not exist.
var errNotFound = store.ErrNotFound
