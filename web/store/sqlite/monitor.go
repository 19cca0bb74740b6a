package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/screen-compliance/screen/monitor"
	"github.com/screen-compliance/screen/web/store"
)

var _ store.Monitoring = (*Store)(nil)
var _ store.Monitoring = tx{}

// SavePortfolio creates or replaces a portfolio with its items, keeping its
// state.
func (t tx) SavePortfolio(ctx context.Context, p *monitor.Portfolio) error {
	if err := monitor.ValidName(p.Name); err != nil {
		return err
	}
	return t.atomic(ctx, func(q querier) error {
		if _, err := q.ExecContext(ctx, `INSERT INTO portfolios (name, rev, items, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET rev = excluded.rev, items = excluded.items, updated_at = excluded.updated_at`,
			p.Name, p.Rev, len(p.Items), store.Text(p.CreatedAt), store.Text(p.UpdatedAt)); err != nil {
			return fmt.Errorf("save portfolio %s: %w", p.Name, err)
		}
		if _, err := q.ExecContext(ctx, `DELETE FROM portfolio_items WHERE portfolio = ?`, p.Name); err != nil {
			return fmt.Errorf("save portfolio %s: %w", p.Name, err)
		}
		stmt, err := q.PrepareContext(ctx, `INSERT INTO portfolio_items (portfolio, item_key, rev, origin, record_json) VALUES (?, ?, ?, ?, ?)`)
		if err != nil {
			return fmt.Errorf("save portfolio %s: %w", p.Name, err)
		}
		defer stmt.Close()
		for i := range p.Items {
			it := &p.Items[i]
			b, err := json.Marshal(&it.Record)
			if err != nil {
				return fmt.Errorf("save portfolio %s: item %s: %w", p.Name, it.Key, err)
			}
			if _, err := stmt.ExecContext(ctx, p.Name, it.Key, it.Rev, it.Origin, b); err != nil {
				return fmt.Errorf("save portfolio %s: item %s: %w", p.Name, it.Key, err)
			}
		}
		return nil
	})
}

// Portfolio reads a portfolio with its items, in key order.
func (t tx) Portfolio(ctx context.Context, name string) (*monitor.Portfolio, error) {
	p := &monitor.Portfolio{Name: name}
	var created, updated string
	var n int
	err := t.q.QueryRowContext(ctx, `SELECT rev, items, created_at, updated_at FROM portfolios WHERE name = ?`, name).Scan(&p.Rev, &n, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("portfolio %s: %w", name, monitor.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("portfolio %s: %w", name, err)
	}
	p.CreatedAt, p.UpdatedAt = store.ParseText(created), store.ParseText(updated)
	rows, err := t.q.QueryContext(ctx, `SELECT item_key, rev, origin, record_json FROM portfolio_items WHERE portfolio = ? ORDER BY item_key`, name)
	if err != nil {
		return nil, fmt.Errorf("portfolio %s: %w", name, err)
	}
	defer rows.Close()
	p.Items = make([]monitor.Item, 0, n)
	for rows.Next() {
		var it monitor.Item
		var b []byte
		if err := rows.Scan(&it.Key, &it.Rev, &it.Origin, &b); err != nil {
			return nil, fmt.Errorf("portfolio %s: %w", name, err)
		}
		if err := json.Unmarshal(b, &it.Record); err != nil {
			return nil, fmt.Errorf("portfolio %s: item %s: %w", name, it.Key, err)
		}
		p.Items = append(p.Items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("portfolio %s: %w", name, err)
	}
	return p, nil
}

// Portfolios describes every portfolio, by name.
func (t tx) Portfolios(ctx context.Context) ([]monitor.PortfolioInfo, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT name, rev, items, created_at, updated_at FROM portfolios ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("portfolios: %w", err)
	}
	defer rows.Close()
	var out []monitor.PortfolioInfo
	for rows.Next() {
		var pi monitor.PortfolioInfo
		var created, updated string
		if err := rows.Scan(&pi.Name, &pi.Rev, &pi.Items, &created, &updated); err != nil {
			return nil, fmt.Errorf("portfolios: %w", err)
		}
		pi.CreatedAt, pi.UpdatedAt = store.ParseText(created), store.ParseText(updated)
		out = append(out, pi)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("portfolios: %w", err)
	}
	return out, nil
}

// DeletePortfolio deletes a portfolio, its items and its state.
func (t tx) DeletePortfolio(ctx context.Context, name string) error {
	return t.atomic(ctx, func(q querier) error {
		if _, err := q.ExecContext(ctx, `DELETE FROM portfolio_items WHERE portfolio = ?`, name); err != nil {
			return fmt.Errorf("delete portfolio %s: %w", name, err)
		}
		res, err := q.ExecContext(ctx, `DELETE FROM portfolios WHERE name = ?`, name)
		if err != nil {
			return fmt.Errorf("delete portfolio %s: %w", name, err)
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			return fmt.Errorf("portfolio %s: %w", name, monitor.ErrNotFound)
		}
		return nil
	})
}

// PortfolioState reads the state of a portfolio (nil when none).
func (t tx) PortfolioState(ctx context.Context, name string) (*monitor.State, error) {
	var b []byte
	err := t.q.QueryRowContext(ctx, `SELECT state_json FROM portfolios WHERE name = ?`, name).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("portfolio %s: %w", name, monitor.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("portfolio %s: state: %w", name, err)
	}
	if b == nil {
		return nil, nil
	}
	var st monitor.State
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("portfolio %s: state: %w", name, err)
	}
	return &st, nil
}

// SavePortfolioState saves a state if the stored one is at revision prev.
func (t tx) SavePortfolioState(ctx context.Context, name string, st *monitor.State, prev int64) error {
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("portfolio %s: encode state: %w", name, err)
	}
	return t.atomic(ctx, func(q querier) error {
		var cur int64
		err := q.QueryRowContext(ctx, `SELECT state_rev FROM portfolios WHERE name = ?`, name).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("portfolio %s: %w", name, monitor.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("portfolio %s: state: %w", name, err)
		}
		res, err := q.ExecContext(ctx, `UPDATE portfolios SET state_rev = ?, state_json = ? WHERE name = ? AND state_rev = ?`, st.Rev, b, name, prev)
		if err != nil {
			return fmt.Errorf("portfolio %s: save state: %w", name, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return fmt.Errorf("portfolio %s: state at revision %d, not %d: %w", name, cur, prev, monitor.ErrConflict)
		}
		return nil
	})
}

// AddAlerts stores alerts, skipping those whose fingerprint is stored.
func (t tx) AddAlerts(ctx context.Context, as []*monitor.Alert) (int, error) {
	added := 0
	err := t.atomic(ctx, func(q querier) error {
		added = 0
		ins, err := q.PrepareContext(ctx, `INSERT INTO alerts (fingerprint, portfolio, item_key, kind, entity_id, decision, status, status_by, status_at,
			status_reason, version, webhook, created_at, alert_json, decision_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (fingerprint) DO NOTHING`)
		if err != nil {
			return fmt.Errorf("store alerts: %w", err)
		}
		defer ins.Close()
		for _, a := range as {
			aj, err := json.Marshal(&a.Alert)
			if err != nil {
				return fmt.Errorf("store alerts: %w", err)
			}
			dj, err := json.Marshal(&a.Record)
			if err != nil {
				return fmt.Errorf("store alerts: %w", err)
			}
			status, version := a.Status, a.Version
			if status == "" {
				status = monitor.StatusOpen
			}
			if version == 0 {
				version = 1
			}
			res, err := ins.ExecContext(ctx, a.Fingerprint, a.Portfolio, a.Item, a.Kind, a.EntityID, a.Decision, status, a.StatusBy,
				textOrEmpty(a.StatusAt), a.StatusReason, version, a.Webhook, store.Text(a.CreatedAt), aj, dj)
			if err != nil {
				return fmt.Errorf("store alert of %s %s: %w", a.Portfolio, a.Item, err)
			}
			if n, _ := res.RowsAffected(); n == 1 {
				id, err := res.LastInsertId()
				if err != nil {
					return fmt.Errorf("store alerts: %w", err)
				}
				a.ID, a.Status, a.Version = id, status, version
				added++
				continue
			}
			if err := q.QueryRowContext(ctx, `SELECT id FROM alerts WHERE fingerprint = ?`, a.Fingerprint).Scan(&a.ID); err != nil {
				return fmt.Errorf("store alerts: %w", err)
			}
		}
		return nil
	})
	return added, err
}

// textOrEmpty writes a time as Text, the zero time as "".
func textOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return store.Text(t)
}

// alertColumns are the columns scanAlert reads.
const alertColumns = `id, fingerprint, status, status_by, status_at, status_reason, version, webhook, created_at, alert_json, decision_json`

// scanAlert reads one alert row.
func scanAlert(sc interface{ Scan(...any) error }) (*monitor.Alert, error) {
	a := &monitor.Alert{}
	var at, created string
	var aj, dj []byte
	if err := sc.Scan(&a.ID, &a.Fingerprint, &a.Status, &a.StatusBy, &at, &a.StatusReason, &a.Version, &a.Webhook, &created, &aj, &dj); err != nil {
		return nil, err
	}
	a.StatusAt, a.CreatedAt = store.ParseText(at), store.ParseText(created)
	if err := json.Unmarshal(aj, &a.Alert); err != nil {
		return nil, fmt.Errorf("alert %d: %w", a.ID, err)
	}
	if err := json.Unmarshal(dj, &a.Record); err != nil {
		return nil, fmt.Errorf("alert %d: %w", a.ID, err)
	}
	return a, nil
}

// Alerts returns the alerts f selects, by id.
func (t tx) Alerts(ctx context.Context, f monitor.AlertFilter) ([]*monitor.Alert, error) {
	where := []string{"id > ?"}
	args := []any{f.AfterID}
	for _, c := range []struct{ col, v string }{{"portfolio", f.Portfolio}, {"status", f.Status}, {"kind", f.Kind}, {"webhook", f.Webhook}} {
		if c.v != "" {
			where = append(where, c.col+" = ?")
			args = append(args, c.v)
		}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	args = append(args, limit)
	rows, err := t.q.QueryContext(ctx, `SELECT `+alertColumns+` FROM alerts WHERE `+strings.Join(where, " AND ")+` ORDER BY id LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	defer rows.Close()
	var out []*monitor.Alert
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			return nil, fmt.Errorf("alerts: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	return out, nil
}

// Alert reads one alert.
func (t tx) Alert(ctx context.Context, id int64) (*monitor.Alert, error) {
	a, err := scanAlert(t.q.QueryRowContext(ctx, `SELECT `+alertColumns+` FROM alerts WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("alert %d: %w", id, monitor.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("alert %d: %w", id, err)
	}
	return a, nil
}

// SetAlertStatus sets an alert's status if it is at c.Version.
func (t tx) SetAlertStatus(ctx context.Context, id int64, c monitor.StatusChange) error {
	return t.atomic(ctx, func(q querier) error {
		var cur int
		err := q.QueryRowContext(ctx, `SELECT version FROM alerts WHERE id = ?`, id).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("alert %d: %w", id, monitor.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("alert %d: %w", id, err)
		}
		res, err := q.ExecContext(ctx, `UPDATE alerts SET status = ?, status_by = ?, status_at = ?, status_reason = ?, version = version + 1
			WHERE id = ? AND version = ?`, c.Status, c.By, store.Text(c.At), c.Reason, id, c.Version)
		if err != nil {
			return fmt.Errorf("alert %d: %w", id, err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return fmt.Errorf("alert %d is at version %d, not %d: %w", id, cur, c.Version, monitor.ErrConflict)
		}
		return nil
	})
}

// AddDelivery records a delivery attempt and the alert's webhook state.
func (t tx) AddDelivery(ctx context.Context, d *monitor.Delivery) error {
	return t.atomic(ctx, func(q querier) error {
		res, err := q.ExecContext(ctx, `UPDATE alerts SET webhook = ? WHERE id = ?`, d.Outcome, d.AlertID)
		if err != nil {
			return fmt.Errorf("alert %d: delivery: %w", d.AlertID, err)
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			return fmt.Errorf("alert %d: %w", d.AlertID, monitor.ErrNotFound)
		}
		res, err = q.ExecContext(ctx, `INSERT INTO alert_deliveries (alert_id, url, attempt, at, status, error, duration_ns, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			d.AlertID, d.URL, d.Attempt, store.Text(d.At), d.Status, d.Error, int64(d.Duration), d.Outcome)
		if err != nil {
			return fmt.Errorf("alert %d: delivery: %w", d.AlertID, err)
		}
		if d.ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("alert %d: delivery: %w", d.AlertID, err)
		}
		return nil
	})
}

// Deliveries returns the delivery attempts of an alert, oldest first.
func (t tx) Deliveries(ctx context.Context, alertID int64) ([]*monitor.Delivery, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT id, alert_id, url, attempt, at, status, error, duration_ns, outcome FROM alert_deliveries
		WHERE alert_id = ? ORDER BY id`, alertID)
	if err != nil {
		return nil, fmt.Errorf("alert %d: deliveries: %w", alertID, err)
	}
	defer rows.Close()
	var out []*monitor.Delivery
	for rows.Next() {
		d := &monitor.Delivery{}
		var at string
		var dur int64
		if err := rows.Scan(&d.ID, &d.AlertID, &d.URL, &d.Attempt, &at, &d.Status, &d.Error, &dur, &d.Outcome); err != nil {
			return nil, fmt.Errorf("alert %d: deliveries: %w", alertID, err)
		}
		d.At, d.Duration = store.ParseText(at), time.Duration(dur)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("alert %d: deliveries: %w", alertID, err)
	}
	return out, nil
}
