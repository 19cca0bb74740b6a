package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/web/store"
)

// AddRecords inserts records in one transaction.
func (t tx) AddRecords(ctx context.Context, runID int64, rs []store.NewRecord) error {
	return t.atomic(ctx, func(q querier) error {
		stmt, err := q.PrepareContext(ctx, `INSERT INTO records (run_id, seq, record_id, row, decision, reviewed_decision, decision_id, parties, top_name, top_score,
			rules, lists, roles, countries, entities, search, decision_json, record_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return fmt.Errorf("run %d: store records: %w", runID, err)
		}
		defer stmt.Close()
		for i := range rs {
			r := &rs[i]
			dj, err := json.Marshal(&r.Decision)
			if err != nil {
				return fmt.Errorf("run %d: record %d (%s): encode decision: %w", runID, r.Seq, r.Decision.ID, err)
			}
			rj, err := json.Marshal(&r.Input)
			if err != nil {
				return fmt.Errorf("run %d: record %d (%s): encode record: %w", runID, r.Seq, r.Decision.ID, err)
			}
			d := r.Decision.Decision
			if _, err := stmt.ExecContext(ctx, runID, r.Seq, r.Decision.ID, r.Decision.Row, d, d, r.DecisionID, r.Parties, r.TopName, r.TopScore,
				spaced(r.Rules), spaced(r.Lists), spaced(r.Roles), spaced(r.Countries), spaced(r.Entities), r.Search, dj, rj); err != nil {
				return fmt.Errorf("run %d: store record %d: %w", runID, r.Seq, err)
			}
		}
		return nil
	})
}

// spaced joins values as " a b ", so that LIKE '% a %' finds one.
func spaced(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return " " + strings.Join(v, " ") + " "
}

// AddEntity stores an entity of a run, keeping the one stored first.
func (t tx) AddEntity(ctx context.Context, runID int64, e *entity.Entity) error {
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("run %d: encode entity %s: %w", runID, e.ID, err)
	}
	if _, err := t.q.ExecContext(ctx, `INSERT OR IGNORE INTO run_entities (run_id, entity_id, entity_json) VALUES (?, ?, ?)`, runID, e.ID, b); err != nil {
		return fmt.Errorf("run %d: store entity %s: %w", runID, e.ID, err)
	}
	return nil
}

// RunEntity reads an entity of a run.
func (t tx) RunEntity(ctx context.Context, runID int64, entityID string) (*entity.Entity, error) {
	var b []byte
	err := t.q.QueryRowContext(ctx, `SELECT entity_json FROM run_entities WHERE run_id = ? AND entity_id = ?`, runID, entityID).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read entity %s: %w", entityID, err)
	}
	var e entity.Entity
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("decode entity %s: %w", entityID, err)
	}
	return &e, nil
}

const recordColumns = `seq, review, reviewed_decision, version, reviewed_by, reviewed_at, decision_id, decision_json, record_json`

// scanRecord reads the recordColumns of a record of run id.
func scanRecord(sc interface{ Scan(...any) error }, id int64) (*store.Record, error) {
	var r store.Record
	var dj, rj []byte
	if err := sc.Scan(&r.Seq, &r.Review, &r.ReviewedDecision, &r.Version, &r.ReviewedBy, &r.ReviewedAt, &r.DecisionID, &dj, &rj); err != nil {
		return nil, err
	}
	if err := errors.Join(json.Unmarshal(dj, &r.Decision), json.Unmarshal(rj, &r.Record)); err != nil {
		return nil, fmt.Errorf("decode run %d record %d: %w", id, r.Seq, err)
	}
	r.Decision.Record = &r.Record
	return &r, nil
}

// Record reads one record.
func (t tx) Record(ctx context.Context, runID int64, seq int) (*store.Record, error) {
	r, err := scanRecord(t.q.QueryRowContext(ctx, `SELECT `+recordColumns+` FROM records WHERE run_id = ? AND seq = ?`, runID, seq), runID)
	if err != nil {
		return nil, fmt.Errorf("read run %d record %d: %w", runID, seq, notFound(err))
	}
	return r, nil
}

// Records reads a page of records.
func (t tx) Records(ctx context.Context, runID int64, after, limit int) ([]*store.Record, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT `+recordColumns+` FROM records WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?`, runID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("records of run %d: %w", runID, err)
	}
	defer rows.Close()
	var out []*store.Record
	for rows.Next() {
		r, err := scanRecord(rows, runID)
		if err != nil {
			return nil, fmt.Errorf("records of run %d: %w", runID, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("records of run %d: %w", runID, err)
	}
	return out, nil
}

// Inputs reads a page of input records.
func (t tx) Inputs(ctx context.Context, runID int64, after, limit int) ([]store.Input, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT seq, record_json FROM records WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?`, runID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("inputs of run %d: %w", runID, err)
	}
	defer rows.Close()
	var out []store.Input
	for rows.Next() {
		var in store.Input
		var b []byte
		if err := rows.Scan(&in.Seq, &b); err != nil {
			return nil, fmt.Errorf("inputs of run %d: %w", runID, err)
		}
		if err := json.Unmarshal(b, &in.Record); err != nil {
			return nil, fmt.Errorf("input of run %d record %d: %w", runID, in.Seq, err)
		}
		out = append(out, in)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("inputs of run %d: %w", runID, err)
	}
	return out, nil
}

// where returns the SQL condition and arguments of f, for records of run
// id; the decision condition only when withDecision.
func where(id int64, f store.Filter, withDecision bool) (string, []any) {
	conds := []string{"run_id = ?"}
	args := []any{id}
	word := func(col, v string) {
		conds = append(conds, col+` LIKE ? ESCAPE '\'`)
		args = append(args, "% "+likeEscape(v)+" %")
	}
	if f.Rule != "" {
		word("rules", f.Rule)
	}
	if f.List != "" {
		word("lists", f.List)
	}
	if f.Role != "" {
		word("roles", f.Role)
	}
	if f.Country != "" {
		word("countries", strings.ToUpper(f.Country))
	}
	if f.Review != "" {
		conds = append(conds, "review = ?")
		args = append(args, f.Review)
	}
	if f.Q != "" {
		conds = append(conds, `search LIKE ? ESCAPE '\'`)
		args = append(args, "%"+likeEscape(strings.ToLower(f.Q))+"%")
	}
	if withDecision && f.Decision != "" && f.Decision != "all" {
		conds = append(conds, "decision = ?")
		args = append(args, f.Decision)
	}
	return strings.Join(conds, " AND "), args
}

// likeEscape escapes LIKE wildcards for use with ESCAPE '\'.
func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// Counts counts records by decision.
func (t tx) Counts(ctx context.Context, runID int64, f store.Filter) (record.Summary, error) {
	cond, args := where(runID, f, false)
	rows, err := t.q.QueryContext(ctx, `SELECT decision, COUNT(*) FROM records WHERE `+cond+` GROUP BY decision`, args...)
	if err != nil {
		return record.Summary{}, fmt.Errorf("count run %d: %w", runID, err)
	}
	defer rows.Close()
	var c record.Summary
	for rows.Next() {
		var d string
		var n int
		if err := rows.Scan(&d, &n); err != nil {
			return record.Summary{}, fmt.Errorf("count run %d: %w", runID, err)
		}
		c.AddN(d, n)
	}
	if err := rows.Err(); err != nil {
		return record.Summary{}, fmt.Errorf("count run %d: %w", runID, err)
	}
	return c, nil
}

// ReviewCounts counts records by review state.
func (t tx) ReviewCounts(ctx context.Context, runID int64) (map[string]int, error) {
	rows, err := t.q.QueryContext(ctx, `SELECT review, COUNT(*) FROM records WHERE run_id = ? GROUP BY review`, runID)
	if err != nil {
		return nil, fmt.Errorf("review states of run %d: %w", runID, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("review states of run %d: %w", runID, err)
		}
		out[st] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("review states of run %d: %w", runID, err)
	}
	return out, nil
}

// Queue reads one page of the queue.
func (t tx) Queue(ctx context.Context, runID int64, f store.Filter, offset, limit int) ([]store.QueueRow, error) {
	cond, args := where(runID, f, true)
	args = append(args, limit, offset)
	rows, err := t.q.QueryContext(ctx, `SELECT seq, record_id, row, decision, reviewed_decision, review, parties, top_name, top_score, rules, reviewed_by
		FROM records WHERE `+cond+` ORDER BY seq LIMIT ? OFFSET ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("queue of run %d: %w", runID, err)
	}
	defer rows.Close()
	var out []store.QueueRow
	for rows.Next() {
		var q store.QueueRow
		var rules string
		if err := rows.Scan(&q.Seq, &q.RecordID, &q.Row, &q.Decision, &q.Reviewed, &q.Review, &q.Parties, &q.TopName, &q.TopScore, &rules, &q.ReviewedBy); err != nil {
			return nil, fmt.Errorf("queue of run %d: %w", runID, err)
		}
		q.Rules = strings.Fields(rules)
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("queue of run %d: %w", runID, err)
	}
	return out, nil
}

// Neighbour returns the seq before or after a record in the filtered queue.
func (t tx) Neighbour(ctx context.Context, runID int64, f store.Filter, seq, dir int) (int, error) {
	cond, args := where(runID, f, true)
	q := ` AND seq > ? ORDER BY seq LIMIT 1`
	if dir < 0 {
		q = ` AND seq < ? ORDER BY seq DESC LIMIT 1`
	}
	var n int
	err := t.q.QueryRowContext(ctx, `SELECT seq FROM records WHERE `+cond+q, append(args, seq)...).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("neighbour of run %d record %d: %w", runID, seq, err)
	}
	return n, nil
}

// CompareRuns walks the records of run id beside those of run parent.
func (t tx) CompareRuns(ctx context.Context, parent, id int64, fn func(store.Change) error) error {
	rows, err := t.q.QueryContext(ctx, `SELECT b.seq, b.record_id, a.decision, b.decision, a.entities, b.entities, a.review, a.reviewed_by
		FROM records b JOIN records a ON a.run_id = ? AND a.seq = b.seq
		WHERE b.run_id = ? ORDER BY b.seq`, parent, id)
	if err != nil {
		return fmt.Errorf("diff runs %d and %d: %w", parent, id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var c store.Change
		var oldE, newE string
		if err := rows.Scan(&c.Seq, &c.RecordID, &c.OldDecision, &c.Decision, &oldE, &newE, &c.OldReview, &c.OldReviewer); err != nil {
			return fmt.Errorf("diff runs %d and %d: %w", parent, id, err)
		}
		c.OldEntities, c.Entities = strings.Fields(oldE), strings.Fields(newE)
		if err := fn(c); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("diff runs %d and %d: %w", parent, id, err)
	}
	return nil
}
