package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/screen-compliance/screen/web/store"
)

// SetReview sets a record's review state if it is still at version. Two
// processes deciding the same record at once: the second UPDATE waits for
// the first transaction, then finds the version moved and changes nothing,
// so it gets ErrConflict.
func (t tx) SetReview(ctx context.Context, runID int64, seq, version int, rv store.RecordReview) error {
	tag, err := t.q.Exec(ctx, `UPDATE records SET review = $1, reviewed_decision = $2, version = version + 1, reviewed_by = $3, reviewed_at = $4
		WHERE run_id = $5 AND seq = $6 AND version = $7`,
		text(rv.State), text(rv.Decision), text(rv.By), text(rv.At), runID, seq, version)
	if err != nil {
		return fmt.Errorf("store review of run %d record %d: %w", runID, seq, err)
	}
	if tag.RowsAffected() == 0 {
		return store.ErrConflict
	}
	return nil
}

const dispositionColumns = `match_index, entity_id, party_index, party_role, party_name, state, reason, suppress, suppress_until, operator, approvers, at`

// scanDisposition reads the dispositionColumns, after the columns of
// lead.
func scanDisposition(sc pgx.Row, lead ...any) (*store.Disposition, error) {
	var d store.Disposition
	var approvers string
	if err := sc.Scan(append(lead, &d.Match, &d.EntityID, &d.PartyIndex, &d.PartyRole, &d.PartyName, &d.State, &d.Reason, &d.Suppress, &d.Until, &d.Operator, &approvers, &d.At)...); err != nil {
		return nil, err
	}
	d.Approvers = splitApprovers(approvers)
	return &d, nil
}

// splitApprovers reads the approvers column: names one per line.
func splitApprovers(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// Dispositions reads the dispositions of a record.
func (t tx) Dispositions(ctx context.Context, runID int64, seq int) (store.Dispositions, error) {
	rows, err := t.q.Query(ctx, `SELECT `+dispositionColumns+` FROM dispositions WHERE run_id = $1 AND seq = $2`, runID, seq)
	if err != nil {
		return nil, fmt.Errorf("dispositions of run %d record %d: %w", runID, seq, err)
	}
	defer rows.Close()
	ds := store.Dispositions{}
	for rows.Next() {
		d, err := scanDisposition(rows)
		if err != nil {
			return nil, fmt.Errorf("dispositions of run %d record %d: %w", runID, seq, err)
		}
		ds[d.Match] = d
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("dispositions of run %d record %d: %w", runID, seq, err)
	}
	return ds, nil
}

// RunDispositions reads the dispositions of the records of a run with seq
// in (after, upto].
func (t tx) RunDispositions(ctx context.Context, runID int64, after, upto int) (map[int]store.Dispositions, error) {
	rows, err := t.q.Query(ctx, `SELECT seq, `+dispositionColumns+` FROM dispositions WHERE run_id = $1 AND seq > $2 AND seq <= $3`, runID, after, upto)
	if err != nil {
		return nil, fmt.Errorf("dispositions of run %d: %w", runID, err)
	}
	defer rows.Close()
	out := map[int]store.Dispositions{}
	for rows.Next() {
		var seq int
		d, err := scanDisposition(rows, &seq)
		if err != nil {
			return nil, fmt.Errorf("dispositions of run %d: %w", runID, err)
		}
		if out[seq] == nil {
			out[seq] = store.Dispositions{}
		}
		out[seq][d.Match] = d
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("dispositions of run %d: %w", runID, err)
	}
	return out, nil
}

// PutDisposition writes the disposition of one target.
func (t tx) PutDisposition(ctx context.Context, runID int64, seq int, d *store.Disposition) error {
	_, err := t.q.Exec(ctx, `INSERT INTO dispositions (run_id, seq, `+dispositionColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		ON CONFLICT (run_id, seq, match_index) DO UPDATE SET entity_id = excluded.entity_id, party_index = excluded.party_index,
		party_role = excluded.party_role, party_name = excluded.party_name, state = excluded.state, reason = excluded.reason,
		suppress = excluded.suppress, suppress_until = excluded.suppress_until, operator = excluded.operator,
		approvers = excluded.approvers, at = excluded.at`,
		runID, seq, d.Match, text(d.EntityID), d.PartyIndex, text(d.PartyRole), text(d.PartyName), text(d.State), text(d.Reason), d.Suppress, text(d.Until),
		text(d.Operator), text(strings.Join(d.Approvers, "\n")), text(d.At))
	if err != nil {
		return fmt.Errorf("store disposition of run %d record %d: %w", runID, seq, err)
	}
	return nil
}

// AddReview appends a review action.
func (t tx) AddReview(ctx context.Context, runID int64, seq int, rv store.Review) error {
	if _, err := t.q.Exec(ctx, `INSERT INTO reviews (run_id, seq, action, reason, suppress, suppress_until, operator, created_at, decision_id, state_after,
		match_index, entity_id, party_role, party_name, approvers, suppression) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		runID, seq, text(rv.Action), text(rv.Reason), rv.Suppress, text(rv.SuppressUntil), text(rv.Operator), text(rv.At), text(rv.DecisionID), text(rv.State),
		rv.Match, text(rv.EntityID), text(rv.PartyRole), text(rv.PartyName), text(strings.Join(rv.Approvers, "\n")), text(rv.Suppression)); err != nil {
		return fmt.Errorf("store review of run %d record %d: %w", runID, seq, err)
	}
	return nil
}

const reviewQuery = `SELECT v.id, v.seq, r.record_id, r."row", v.action, v.state_after, v.reason, v.suppress, v.suppress_until, v.operator, v.created_at, v.decision_id,
	v.match_index, v.entity_id, v.party_role, v.party_name, v.approvers, v.suppression
	FROM reviews v JOIN records r ON r.run_id = v.run_id AND r.seq = v.seq WHERE `

// RecordReviews reads the review actions of a record.
func (t tx) RecordReviews(ctx context.Context, runID int64, seq int) ([]store.Review, error) {
	return t.reviews(ctx, fmt.Sprintf("reviews of run %d record %d", runID, seq), reviewQuery+`v.run_id = $1 AND v.seq = $2 ORDER BY v.id`, runID, seq)
}

// RunReviews reads the review actions of a run.
func (t tx) RunReviews(ctx context.Context, runID int64) ([]store.Review, error) {
	return t.reviews(ctx, fmt.Sprintf("reviews of run %d", runID), reviewQuery+`v.run_id = $1 ORDER BY v.id`, runID)
}

func (t tx) reviews(ctx context.Context, what, query string, args ...any) ([]store.Review, error) {
	rows, err := t.q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	out := []store.Review{}
	for rows.Next() {
		var v store.Review
		var approvers string
		if err := rows.Scan(&v.ID, &v.Seq, &v.RecordID, &v.Row, &v.Action, &v.State, &v.Reason, &v.Suppress, &v.SuppressUntil, &v.Operator, &v.At, &v.DecisionID,
			&v.Match, &v.EntityID, &v.PartyRole, &v.PartyName, &approvers, &v.Suppression); err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		v.Approvers = splitApprovers(approvers)
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}
