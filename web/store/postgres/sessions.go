package postgres

import (
	"context"
	"fmt"

	"github.com/screen-compliance/screen/web/store"
)

// CreateSession stores a session and records its operator, in one
// transaction.
func (t tx) CreateSession(ctx context.Context, s store.Session) error {
	return t.atomic(ctx, func(q querier) error {
		_, err := q.Exec(ctx, `INSERT INTO sessions (id_hash, operator, role, csrf, created_at, expires_at, verified) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			s.IDHash, text(s.Operator), text(s.Role), s.CSRF, store.Text(s.CreatedAt), store.Text(s.ExpiresAt), s.Verified)
		if err != nil {
			return fmt.Errorf("store session: %w", err)
		}
		_, err = q.Exec(ctx, `INSERT INTO operators (name, role, first_seen, last_seen) VALUES ($1, $2, $3, $3)
			ON CONFLICT (name) DO UPDATE SET role = excluded.role, last_seen = excluded.last_seen`, text(s.Operator), text(s.Role), store.Text(s.CreatedAt))
		if err != nil {
			return fmt.Errorf("store operator: %w", err)
		}
		return nil
	})
}

// Session reads a session.
func (t tx) Session(ctx context.Context, idHash string) (store.Session, error) {
	s := store.Session{IDHash: idHash}
	var created, expires string
	err := t.q.QueryRow(ctx, `SELECT operator, role, csrf, created_at, expires_at, verified FROM sessions WHERE id_hash = $1`, text(idHash)).
		Scan(&s.Operator, &s.Role, &s.CSRF, &created, &expires, &s.Verified)
	if err != nil {
		return store.Session{}, fmt.Errorf("read session: %w", notFound(err))
	}
	s.CreatedAt, s.ExpiresAt = store.ParseText(created), store.ParseText(expires)
	return s, nil
}

// DeleteSession deletes a session.
func (t tx) DeleteSession(ctx context.Context, idHash string) error {
	if _, err := t.q.Exec(ctx, `DELETE FROM sessions WHERE id_hash = $1`, text(idHash)); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}
