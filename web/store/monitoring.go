package store

import "github.com/screen-compliance/screen/monitor"

// Monitoring is the workspace database's share of ongoing monitoring
// (package monitor): portfolios with their items and states, alerts with
// their status, and webhook deliveries. It is exactly monitor.Store, so
// that `screen serve` keeps portfolios and alerts in the workspace
// database when it runs with one; its errors are monitor.ErrNotFound and
// monitor.ErrConflict.
//
// Every store implements it, on the Store and on the Tx that Update gives
// (an operator's decision on an alert is written with its audit entry in
// one transaction); storetest fails for a store that does not. It is an
// interface of its own, not part of Tx, only so that a store written
// before monitoring still compiles while it is being added.
type Monitoring interface {
	monitor.Store
}
