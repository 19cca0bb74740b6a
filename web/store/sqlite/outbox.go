package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/screen-compliance/screen/web/store"
)

// EnqueueAudit adds an entry to the audit outbox.
func (t tx) EnqueueAudit(ctx context.Context, entry []byte, at time.Time) error {
	if _, err := t.q.ExecContext(ctx, `INSERT INTO audit_outbox (entry, created_at) VALUES (?, ?)`, entry, store.Text(at)); err != nil {
		return fmt.Errorf("audit outbox: %w", err)
	}
	return nil
}

// PendingAudit returns the oldest entries of the outbox.
func (t tx) PendingAudit(ctx context.Context, limit int) ([]store.OutboxEntry, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT id, entry FROM audit_outbox ORDER BY id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("audit outbox: %w", err)
	}
	defer rows.Close()
	var out []store.OutboxEntry
	for rows.Next() {
		var e store.OutboxEntry
		if err := rows.Scan(&e.ID, &e.Entry); err != nil {
			return nil, fmt.Errorf("audit outbox: %w", err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("audit outbox: %w", err)
	}
	return out, nil
}

// DequeueAudit deletes the outbox entries up to id.
func (t tx) DequeueAudit(ctx context.Context, upto int64) error {
	if _, err := t.q.ExecContext(ctx, `DELETE FROM audit_outbox WHERE id <= ?`, upto); err != nil {
		return fmt.Errorf("audit outbox: %w", err)
	}
	return nil
}
