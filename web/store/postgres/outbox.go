package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/screen-compliance/screen/web/store"
)

// EnqueueAudit adds an entry to the audit outbox.
//
// DequeueAudit deletes every entry up to an id, so an entry must never
// commit after one with a higher id was read: every insert takes one
// transaction-scoped advisory lock first, so that entries take ids and
// commit in the same order (the lock is held to the end of the
// transaction that enqueues).
func (t tx) EnqueueAudit(ctx context.Context, entry []byte, at time.Time) error {
	return t.atomic(ctx, func(q querier) error {
		if _, err := q.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(lockOutbox)); err != nil {
			return fmt.Errorf("audit outbox: lock: %w", err)
		}
		if _, err := q.Exec(ctx, `INSERT INTO audit_outbox (entry, created_at) VALUES ($1, $2)`, entry, store.Text(at)); err != nil {
			return fmt.Errorf("audit outbox: %w", err)
		}
		return nil
	})
}

// PendingAudit returns the oldest entries of the outbox.
func (t tx) PendingAudit(ctx context.Context, limit int) ([]store.OutboxEntry, error) {
	rows, err := t.q.Query(ctx, `SELECT id, entry FROM audit_outbox ORDER BY id LIMIT $1`, limit)
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
	if _, err := t.q.Exec(ctx, `DELETE FROM audit_outbox WHERE id <= $1`, upto); err != nil {
		return fmt.Errorf("audit outbox: %w", err)
	}
	return nil
}
