package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/screen-compliance/screen/monitor"
	"github.com/screen-compliance/screen/web/store"
)

// SavePortfolio creates or replaces a portfolio with its items (COPY),
// keeping its state.
func (t tx) SavePortfolio(ctx context.Context, p *monitor.Portfolio) error {
	if err := monitor.ValidName(p.Name); err != nil {
		return err
	}
	rows := make([][]any, len(p.Items))
	for i := range p.Items {
		it := &p.Items[i]
		b, err := json.Marshal(&it.Record)
		if err != nil {
			return fmt.Errorf("save portfolio %s: item %s: %w", p.Name, it.Key, err)
		}
		rows[i] = []any{p.Name, text(it.Key), it.Rev, text(it.Origin), b}
	}
	return t.atomic(ctx, func(q querier) error {
		if _, err := q.Exec(ctx, `INSERT INTO portfolios (name, rev, items, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (name) DO UPDATE SET rev = excluded.rev, items = excluded.items, updated_at = excluded.updated_at`,
			p.Name, p.Rev, len(p.Items), store.Text(p.CreatedAt), store.Text(p.UpdatedAt)); err != nil {
			return fmt.Errorf("save portfolio %s: %w", p.Name, err)
		}
		if _, err := q.Exec(ctx, `DELETE FROM portfolio_items WHERE portfolio = $1`, p.Name); err != nil {
			return fmt.Errorf("save portfolio %s: %w", p.Name, err)
		}
		if _, err := q.CopyFrom(ctx, pgx.Identifier{"portfolio_items"}, []string{"portfolio", "item_key", "rev", "origin", "record_json"}, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("save portfolio %s: items: %w", p.Name, err)
		}
		return nil
	})
}

// Portfolio reads a portfolio with its items, in key order.
func (t tx) Portfolio(ctx context.Context, name string) (*monitor.Portfolio, error) {
	p := &monitor.Portfolio{Name: name}
	var created, updated string
	var n int
	err := t.q.QueryRow(ctx, `SELECT rev, items, created_at, updated_at FROM portfolios WHERE name = $1`, text(name)).Scan(&p.Rev, &n, &created, &updated)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("portfolio %s: %w", name, monitor.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("portfolio %s: %w", name, err)
	}
	p.CreatedAt, p.UpdatedAt = store.ParseText(created), store.ParseText(updated)
	rows, err := t.q.Query(ctx, `SELECT item_key, rev, origin, record_json FROM portfolio_items WHERE portfolio = $1 ORDER BY item_key COLLATE "C"`, text(name))
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
	rows, err := t.q.Query(ctx, `SELECT name, rev, items, created_at, updated_at FROM portfolios ORDER BY name COLLATE "C"`)
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
	tag, err := t.q.Exec(ctx, `DELETE FROM portfolios WHERE name = $1`, text(name)) // items: ON DELETE CASCADE
	if err != nil {
		return fmt.Errorf("delete portfolio %s: %w", name, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("portfolio %s: %w", name, monitor.ErrNotFound)
	}
	return nil
}

// PortfolioState reads the state of a portfolio (nil when none).
func (t tx) PortfolioState(ctx context.Context, name string) (*monitor.State, error) {
	var b []byte
	err := t.q.QueryRow(ctx, `SELECT state_json FROM portfolios WHERE name = $1`, text(name)).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
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
// Two processes saving from one revision: the second UPDATE waits for the
// first, finds the revision moved and gets ErrConflict.
func (t tx) SavePortfolioState(ctx context.Context, name string, st *monitor.State, prev int64) error {
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("portfolio %s: encode state: %w", name, err)
	}
	return t.atomic(ctx, func(q querier) error {
		tag, err := q.Exec(ctx, `UPDATE portfolios SET state_rev = $1, state_json = $2 WHERE name = $3 AND state_rev = $4`, st.Rev, b, text(name), prev)
		if err != nil {
			return fmt.Errorf("portfolio %s: save state: %w", name, err)
		}
		if tag.RowsAffected() == 1 {
			return nil
		}
		var cur int64
		err = q.QueryRow(ctx, `SELECT state_rev FROM portfolios WHERE name = $1`, text(name)).Scan(&cur)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("portfolio %s: %w", name, monitor.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("portfolio %s: state: %w", name, err)
		}
		return fmt.Errorf("portfolio %s: state at revision %d, not %d: %w", name, cur, prev, monitor.ErrConflict)
	})
}

// AddAlerts stores alerts, skipping those whose fingerprint is stored.
func (t tx) AddAlerts(ctx context.Context, as []*monitor.Alert) (int, error) {
	added := 0
	err := t.atomic(ctx, func(q querier) error {
		added = 0
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
			var id int64
			err = q.QueryRow(ctx, `INSERT INTO alerts (fingerprint, portfolio, item_key, kind, entity_id, decision, status, status_by, status_at,
				status_reason, version, webhook, created_at, alert_json, decision_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
				ON CONFLICT (fingerprint) DO NOTHING RETURNING id`,
				text(a.Fingerprint), text(a.Portfolio), text(a.Item), text(a.Kind), text(a.EntityID), text(a.Decision), text(status), text(a.StatusBy),
				textOrEmpty(a.StatusAt), text(a.StatusReason), version, text(a.Webhook), store.Text(a.CreatedAt), aj, dj).Scan(&id)
			switch {
			case err == nil:
				a.ID, a.Status, a.Version = id, status, version
				added++
			case errors.Is(err, pgx.ErrNoRows):
				if err := q.QueryRow(ctx, `SELECT id FROM alerts WHERE fingerprint = $1`, text(a.Fingerprint)).Scan(&a.ID); err != nil {
					return fmt.Errorf("store alerts: %w", err)
				}
			default:
				return fmt.Errorf("store alert of %s %s: %w", a.Portfolio, a.Item, err)
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
func scanAlert(sc pgx.Row) (*monitor.Alert, error) {
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
	where := []string{"id > $1"}
	args := []any{f.AfterID}
	for _, c := range []struct{ col, v string }{{"portfolio", f.Portfolio}, {"status", f.Status}, {"kind", f.Kind}, {"webhook", f.Webhook}} {
		if c.v != "" {
			args = append(args, text(c.v))
			where = append(where, fmt.Sprintf("%s = $%d", c.col, len(args)))
		}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	lim := arg(args)
	args = append(args, limit)
	rows, err := t.q.Query(ctx, `SELECT `+alertColumns+` FROM alerts WHERE `+strings.Join(where, " AND ")+` ORDER BY id LIMIT `+lim, args...)
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
	a, err := scanAlert(t.q.QueryRow(ctx, `SELECT `+alertColumns+` FROM alerts WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
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
		tag, err := q.Exec(ctx, `UPDATE alerts SET status = $1, status_by = $2, status_at = $3, status_reason = $4, version = version + 1
			WHERE id = $5 AND version = $6`, text(c.Status), text(c.By), store.Text(c.At), text(c.Reason), id, c.Version)
		if err != nil {
			return fmt.Errorf("alert %d: %w", id, err)
		}
		if tag.RowsAffected() == 1 {
			return nil
		}
		var cur int
		err = q.QueryRow(ctx, `SELECT version FROM alerts WHERE id = $1`, id).Scan(&cur)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("alert %d: %w", id, monitor.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("alert %d: %w", id, err)
		}
		return fmt.Errorf("alert %d is at version %d, not %d: %w", id, cur, c.Version, monitor.ErrConflict)
	})
}

// AddDelivery records a delivery attempt and the alert's webhook state.
func (t tx) AddDelivery(ctx context.Context, d *monitor.Delivery) error {
	return t.atomic(ctx, func(q querier) error {
		tag, err := q.Exec(ctx, `UPDATE alerts SET webhook = $1 WHERE id = $2`, text(d.Outcome), d.AlertID)
		if err != nil {
			return fmt.Errorf("alert %d: delivery: %w", d.AlertID, err)
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("alert %d: %w", d.AlertID, monitor.ErrNotFound)
		}
		err = q.QueryRow(ctx, `INSERT INTO alert_deliveries (alert_id, url, attempt, at, status, error, duration_ns, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			RETURNING id`, d.AlertID, text(d.URL), d.Attempt, store.Text(d.At), d.Status, text(d.Error), int64(d.Duration), text(d.Outcome)).Scan(&d.ID)
		if err != nil {
			return fmt.Errorf("alert %d: delivery: %w", d.AlertID, err)
		}
		return nil
	})
}

// Deliveries returns the delivery attempts of an alert, oldest first.
func (t tx) Deliveries(ctx context.Context, alertID int64) ([]*monitor.Delivery, error) {
	rows, err := t.q.Query(ctx, `SELECT id, alert_id, url, attempt, at, status, error, duration_ns, outcome FROM alert_deliveries
		WHERE alert_id = $1 ORDER BY id`, alertID)
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
