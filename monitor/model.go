// Package monitor is ongoing screening: portfolios of the parties (and open
// shipments) a firm monitors, and delta screening that, when the lists
// change, screens the changed entities against an index of the portfolio
// (reverse screening) and re-decides only the records they touch, raising
// alerts: new hit, hit removed, hit changed, each with the list change
// that caused it.
//
// A portfolio is a set of items, each one input record (a party row or a
// shipment row) under a stable key. Its State is what the last screening
// decided for it: the hits (matches that a policy reason cites) of every
// item that had any, and the list store change it was brought up to.
//
// Run brings a portfolio up to date:
//
//	res, err := monitor.Run(ctx, eng, st, listStore, "counterparties", monitor.RunOptions{})
//
// It reads the list store's changes since the state's cursor, finds the
// affected items (those with a hit on a changed entity, and those whose
// parties score at or above the match floor against an added or changed
// entity's names), re-decides them with the engine (the policies decide,
// as in a scan) and compares the new hits with the old. When the policies
// or the engine changed, or the lists do not come from a store with a
// change log, it re-decides every item instead (a full re-screen), so
// nothing is missed.
//
// Store is where portfolios, states, alerts and webhook deliveries live:
// package monitor/filestore keeps them beside the list store, and the
// review workspace's database (package web/store) implements it too.
package monitor

import (
	"context"
	"errors"
	"time"

	"github.com/screen-compliance/screen/record"
)

// ErrNotFound is returned for a portfolio or alert that does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a portfolio's state or an alert changed
// since the caller read it.
var ErrConflict = errors.New("conflict")

// Item is one monitored record of a portfolio.
type Item struct {
	// Key identifies the item in its portfolio, stable across imports:
	// the record's id, else its source and row.
	Key string `json:"key"`
	// Record is the input record screened for the item.
	Record record.Record `json:"record"`
	// Origin says where the item came from ("parties.csv row 3", "run 12
	// record 4").
	Origin string `json:"origin,omitempty"`
	// Rev is the portfolio revision that added the item or last changed
	// its record.
	Rev int64 `json:"rev"`
}

// Portfolio is what a firm monitors: its items, in key order.
type Portfolio struct {
	Name string `json:"name"`
	// Rev grows with every change of the items.
	Rev       int64     `json:"rev"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Items     []Item    `json:"items"`
}

// PortfolioInfo describes a portfolio without its items.
type PortfolioInfo struct {
	Name      string    `json:"name"`
	Rev       int64     `json:"rev"`
	Items     int       `json:"items"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Hit is a match that a policy reason cites, as one screening saw it.
type Hit struct {
	EntityID string `json:"entity_id"`
	List     string `json:"list"`
	// Name is the entity's listed name.
	Name string `json:"name"`
	// Party indexes the record's parties; Role and Query are its role and
	// name.
	Party int    `json:"party"`
	Role  string `json:"role"`
	Query string `json:"query"`
	record.HitState
}

// ItemState is what the last screening decided for an item.
type ItemState struct {
	// Decision is the item's decision.
	Decision string `json:"decision"`
	// Hits are its hits, by party then entity id.
	Hits []Hit `json:"hits,omitempty"`
	// Error is why the item could not be decided, when Decision is error.
	Error string `json:"error,omitempty"`
}

// State is what the last screening of a portfolio decided.
type State struct {
	// Rev grows with every save; SavePortfolioState checks it.
	Rev int64 `json:"rev"`
	// PortfolioRev is the portfolio revision the state covers: items of a
	// later revision were not screened yet.
	PortfolioRev int64 `json:"portfolio_rev"`
	// Cursor is the last list store change the state takes into account.
	Cursor int64 `json:"cursor"`
	// Lists, PolicySHA256 and Engine are what the items were decided
	// with.
	Lists        map[string]string `json:"lists"`
	PolicySHA256 string            `json:"policy_sha256"`
	Engine       string            `json:"engine"`
	// At is when the state was saved.
	At time.Time `json:"at"`
	// Items holds the items that were not clear or had hits, by key; an
	// item not here was clear with no hit.
	Items map[string]ItemState `json:"items"`
	// Pending are the keys of items to decide again at the next run (their
	// last decision failed), sorted.
	Pending []string `json:"pending,omitempty"`
}

// Alert statuses: an alert is worked like a record of a run.
const (
	StatusOpen         = "open"
	StatusAcknowledged = "acknowledged"
	StatusDismissed    = "dismissed"
)

// Webhook delivery states of an alert.
const (
	WebhookNone      = ""
	WebhookPending   = "pending"
	WebhookDelivered = "delivered"
	WebhookFailed    = "failed"
)

// Alert is a stored alert: a record.Alert with the record's new decision,
// its status and its webhook delivery state.
type Alert struct {
	// ID is given by the store (ids grow).
	ID int64 `json:"id"`
	// Fingerprint identifies the alert: adding an alert whose fingerprint
	// is stored already adds nothing, so that a run repeated after a crash
	// does not raise its alerts twice.
	Fingerprint string    `json:"fingerprint"`
	CreatedAt   time.Time `json:"created_at"`
	record.Alert
	// Record is the item's new decision (its Alerts left empty).
	Record record.Decision `json:"record"`
	// Status is StatusOpen, StatusAcknowledged or StatusDismissed, with
	// who set it, when and why.
	Status       string    `json:"status"`
	StatusBy     string    `json:"status_by,omitempty"`
	StatusAt     time.Time `json:"status_at,omitzero"`
	StatusReason string    `json:"status_reason,omitempty"`
	// Version grows with every status change; SetAlertStatus checks it.
	Version int `json:"version"`
	// Webhook is the webhook delivery state (WebhookPending, ...).
	Webhook string `json:"webhook,omitempty"`
}

// StatusChange is an operator's decision on an alert.
type StatusChange struct {
	// Status is StatusAcknowledged, StatusDismissed or StatusOpen.
	Status string
	// Reason is required to dismiss.
	Reason string
	By     string
	At     time.Time
	// Version is the alert version the operator saw.
	Version int
}

// AlertFilter selects alerts; empty fields select everything.
type AlertFilter struct {
	Portfolio, Status, Kind, Webhook string
	// AfterID selects alerts with a greater id (paging).
	AfterID int64
	// Limit caps the alerts returned (0: 100).
	Limit int
}

// Delivery is one attempt to deliver an alert to a webhook.
type Delivery struct {
	ID      int64     `json:"id"`
	AlertID int64     `json:"alert_id"`
	URL     string    `json:"url"`
	Attempt int       `json:"attempt"`
	At      time.Time `json:"at"`
	// Status is the HTTP status answered (0 when none was).
	Status int `json:"status"`
	// Error says why the attempt failed ("" when it succeeded).
	Error string `json:"error,omitempty"`
	// Duration is how long the attempt took.
	Duration time.Duration `json:"duration_ns"`
	// Outcome is the alert's webhook state after the attempt
	// (WebhookDelivered, WebhookPending for a retry, WebhookFailed when
	// the retries are spent).
	Outcome string `json:"outcome"`
}

// Store keeps portfolios, their states, alerts and webhook deliveries. Its
// methods are safe for concurrent use.
type Store interface {
	// SavePortfolio creates or replaces a portfolio with its items.
	SavePortfolio(ctx context.Context, p *Portfolio) error
	// Portfolio returns a portfolio with its items, or ErrNotFound.
	Portfolio(ctx context.Context, name string) (*Portfolio, error)
	// Portfolios describes every portfolio, by name.
	Portfolios(ctx context.Context) ([]PortfolioInfo, error)
	// DeletePortfolio deletes a portfolio and its state (its alerts stay),
	// or returns ErrNotFound.
	DeletePortfolio(ctx context.Context, name string) error
	// PortfolioState returns the state of a portfolio, nil when it was
	// never screened, or ErrNotFound.
	PortfolioState(ctx context.Context, name string) (*State, error)
	// SavePortfolioState saves st if the stored state's Rev is prev (0:
	// none stored), else returns ErrConflict (ErrNotFound when the
	// portfolio does not exist).
	SavePortfolioState(ctx context.Context, name string, st *State, prev int64) error
	// AddAlerts stores alerts, giving each its ID; an alert whose
	// Fingerprint is stored already is not added again (its ID is set to
	// the stored one's). It returns how many were added.
	AddAlerts(ctx context.Context, as []*Alert) (int, error)
	// Alerts returns the alerts f selects, by id.
	Alerts(ctx context.Context, f AlertFilter) ([]*Alert, error)
	// Alert returns one alert, or ErrNotFound.
	Alert(ctx context.Context, id int64) (*Alert, error)
	// SetAlertStatus sets an alert's status if it is still at c.Version
	// (and advances the version), else returns ErrConflict.
	SetAlertStatus(ctx context.Context, id int64, c StatusChange) error
	// AddDelivery records a delivery attempt, giving it its ID, and sets
	// the alert's webhook state to d.Outcome.
	AddDelivery(ctx context.Context, d *Delivery) error
	// Deliveries returns the delivery attempts of an alert, oldest first.
	Deliveries(ctx context.Context, alertID int64) ([]*Delivery, error)
}
