package web

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/screen-compliance/screen/audit"
	"github.com/screen-compliance/screen/web/store"
)

// The audit outbox makes a review decision and its audit entry one atomic
// write: the entry is inserted in the store transaction that stores the
// decision, and copied to the audit log after the commit (flushAudit), at
// start (New) and at Close. A crash between the commit and the copy leaves
// the entry in the outbox, and the next start writes it. A crash after the
// copy but before the outbox row is deleted writes the entry again on the
// next start: delivery is at least once, and each entry carries an id
// ("web-" + random) by which a reader drops the repeat.

// enqueueAudit inserts entries into the outbox within tx. It does nothing
// when the workspace has no audit log.
func (a *App) enqueueAudit(ctx context.Context, tx store.Tx, es ...audit.Entry) error {
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
		if err := tx.EnqueueAudit(ctx, b, now); err != nil {
			return err
		}
	}
	return nil
}

// audited runs fn in a transaction and inserts the entries it returns into
// the outbox in the same transaction, then flushes the outbox.
func (a *App) audited(ctx context.Context, fn func(tx store.Tx) ([]audit.Entry, error)) error {
	err := a.st.Update(ctx, func(tx store.Tx) error {
		es, err := fn(tx)
		if err != nil {
			return err
		}
		return a.enqueueAudit(ctx, tx, es...)
	})
	if err != nil {
		return err
	}
	return a.flushAudit(ctx)
}

// auditEvent writes one event entry through the outbox.
func (a *App) auditEvent(ctx context.Context, operator string, ev audit.Event) error {
	if a.audit == nil {
		return nil
	}
	return a.audited(ctx, func(store.Tx) ([]audit.Entry, error) {
		return []audit.Entry{{Tool: toolName(), Operator: operator, Event: &ev}}, nil
	})
}

// outboxBatch is the number of outbox entries flushAudit copies at a time.
const outboxBatch = 500

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
		items, err := a.st.PendingAudit(ctx, outboxBatch)
		if err != nil {
			return err
		}
		if len(items) == 0 {
			return nil
		}
		for _, it := range items {
			var e audit.Entry
			if err := json.Unmarshal(it.Entry, &e); err != nil {
				return fmt.Errorf("audit outbox entry %d: %w", it.ID, err)
			}
			if err := a.audit.Append(e); err != nil {
				return err
			}
		}
		if err := a.audit.Sync(); err != nil {
			return err
		}
		if err := a.st.DequeueAudit(ctx, items[len(items)-1].ID); err != nil {
			return err
		}
	}
}
