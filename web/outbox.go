package web

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/screen-compliance/screen/audit"
)

// The audit outbox makes a review decision and its audit entry one atomic
// write: the entry is inserted in the SQLite transaction that stores the
// decision, and copied to the audit log after the commit (flushAudit), at
// start (New) and at Close. A crash between the commit and the copy leaves
// the entry in the outbox, and the next start writes it. A crash after the
// copy but before the outbox row is deleted writes the entry again on the
// next start: delivery is at least once, and each entry carries an id
// ("web-" + random) by which a reader drops the repeat.

// enqueueAudit inserts entries into the outbox within tx. It does nothing
// when the workspace has no audit log.
func (a *App) enqueueAudit(ctx context.Context, tx querier, es ...audit.Entry) error {
	if a.audit == nil {
		return nil
	}
	now := a.opts.Clock()
	for _, e := range es {
		if e.ID == "" {
			e.ID = "web-" + randomToken(12)
		}
		if e.Timestamp.IsZero() {
			e.Timestamp = now
		}
		e.Timestamp = e.Timestamp.UTC()
		b, err := json.Marshal(&e)
		if err != nil {
			return fmt.Errorf("audit outbox: encode entry: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_outbox (entry, created_at) VALUES (?, ?)`, b, nowText(now)); err != nil {
			return fmt.Errorf("audit outbox: %w", err)
		}
	}
	return nil
}

// audited runs fn in a transaction and inserts the entries it returns into
// the outbox in the same transaction, then flushes the outbox.
func (a *App) audited(ctx context.Context, fn func(tx querier) ([]audit.Entry, error)) error {
	tx, err := a.st.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	es, err := fn(tx)
	if err != nil {
		return err
	}
	if err := a.enqueueAudit(ctx, tx, es...); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return a.flushAudit(ctx)
}

// auditEvent writes one event entry through the outbox.
func (a *App) auditEvent(ctx context.Context, operator string, ev audit.Event) error {
	if a.audit == nil {
		return nil
	}
	return a.audited(ctx, func(querier) ([]audit.Entry, error) {
		return []audit.Entry{{Tool: toolName(), Operator: operator, Event: &ev}}, nil
	})
}

// flushAudit copies the outbox to the audit log in order, syncs the log and
// then deletes what it copied. It is safe to call concurrently.
func (a *App) flushAudit(ctx context.Context) error {
	if a.audit == nil {
		return nil
	}
	a.outboxMu.Lock()
	defer a.outboxMu.Unlock()
	if a.testHookBeforeFlush != nil && a.testHookBeforeFlush() {
		return nil
	}
	for {
		rows, err := a.st.db.QueryContext(ctx, `SELECT id, entry FROM audit_outbox ORDER BY id LIMIT 500`)
		if err != nil {
			return fmt.Errorf("audit outbox: %w", err)
		}
		type item struct {
			id int64
			b  []byte
		}
		var items []item
		for rows.Next() {
			var it item
			if err := rows.Scan(&it.id, &it.b); err != nil {
				rows.Close()
				return fmt.Errorf("audit outbox: %w", err)
			}
			items = append(items, it)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("audit outbox: %w", err)
		}
		if len(items) == 0 {
			return nil
		}
		for _, it := range items {
			var e audit.Entry
			if err := json.Unmarshal(it.b, &e); err != nil {
				return fmt.Errorf("audit outbox entry %d: %w", it.id, err)
			}
			if err := a.audit.Append(e); err != nil {
				return err
			}
		}
		if err := a.audit.Sync(); err != nil {
			return err
		}
		if _, err := a.st.db.ExecContext(ctx, `DELETE FROM audit_outbox WHERE id <= ?`, items[len(items)-1].id); err != nil {
			return fmt.Errorf("audit outbox: %w", err)
		}
	}
}
