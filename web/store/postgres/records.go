package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/web/store"
)

// recordCopyColumns are the columns AddRecords copies in.
var recordCopyColumns = []string{"run_id", "seq", "record_id", "row", "decision", "reviewed_decision", "decision_id", "parties", "top_name", "top_score",
	"rules", "lists", "roles", "countries", "entities", "search", "decision_json", "record_json"}

// AddRecords copies records in (COPY), in one transaction.
func (t tx) AddRecords(ctx context.Context, runID int64, rs []store.NewRecord) error {
	rows := make([][]any, len(rs))
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
		d := text(r.Decision.Decision)
		rows[i] = []any{runID, r.Seq, text(r.Decision.ID), r.Decision.Row, d, d, text(r.DecisionID), text(r.Parties), text(r.TopName), r.TopScore,
			spaced(r.Rules), spaced(r.Lists), spaced(r.Roles), spaced(r.Countries), spaced(r.Entities), text(r.Search), dj, rj}
	}
	return t.atomic(ctx, func(q querier) error {
		if _, err := q.CopyFrom(ctx, pgx.Identifier{"records"}, recordCopyColumns, pgx.CopyFromRows(rows)); err != nil {
			return fmt.Errorf("run %d: store records: %w", runID, err)
		}
		return nil
	})
}

// text makes a string storable in a text column: PostgreSQL refuses NUL
// characters, which SQLite keeps; they become U+FFFD. The JSON columns keep
// the record exactly.
func text(s string) string {
	if strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}

// spaced joins values as " a b ", so that LIKE '% a %' finds one.
func spaced(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return text(" " + strings.Join(v, " ") + " ")
}

// AddEntity stores an entity of a run, keeping the one stored first.
func (t tx) AddEntity(ctx context.Context, runID int64, e *entity.Entity) error {
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("run %d: encode entity %s: %w", runID, e.ID, err)
	}
	if _, err := t.q.Exec(ctx, `INSERT INTO run_entities (run_id, entity_id, entity_json) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, runID, text(e.ID), b); err != nil {
		return fmt.Errorf("run %d: store entity %s: %w", runID, e.ID, err)
	}
	return nil
}

// RunEntity reads an entity of a run.
func (t tx) RunEntity(ctx context.Context, runID int64, entityID string) (*entity.Entity, error) {
	var b []byte
	err := t.q.QueryRow(ctx, `SELECT entity_json FROM run_entities WHERE run_id = $1 AND entity_id = $2`, runID, text(entityID)).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
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
func scanRecord(sc pgx.Row, id int64) (*store.Record, error) {
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
	r, err := scanRecord(t.q.QueryRow(ctx, `SELECT `+recordColumns+` FROM records WHERE run_id = $1 AND seq = $2`, runID, seq), runID)
	if err != nil {
		return nil, fmt.Errorf("read run %d record %d: %w", runID, seq, notFound(err))
	}
	return r, nil
}

// Records reads a page of records.
func (t tx) Records(ctx context.Context, runID int64, after, limit int) ([]*store.Record, error) {
	rows, err := t.q.Query(ctx, `SELECT `+recordColumns+` FROM records WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`, runID, after, limit)
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
	rows, err := t.q.Query(ctx, `SELECT seq, record_json FROM records WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`, runID, after, limit)
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
// id; the decision condition only when withDecision. Words and search text
// compare case-insensitively (ILIKE), as SQLite's LIKE does.
func where(id int64, f store.Filter, withDecision bool) (string, []any) {
	conds := []string{"run_id = $1"}
	args := []any{id}
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, fmt.Sprintf(cond, len(args)))
	}
	word := func(col, v string) {
		add(col+` ILIKE $%d ESCAPE '\'`, "% "+likeEscape(text(v))+" %")
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
		add("review = $%d", text(f.Review))
	}
	if f.Q != "" {
		add(`search ILIKE $%d ESCAPE '\'`, "%"+likeEscape(text(strings.ToLower(f.Q)))+"%")
	}
	if withDecision && f.Decision != "" && f.Decision != "all" {
		add("decision = $%d", text(f.Decision))
	}
	return strings.Join(conds, " AND "), args
}

// likeEscape escapes LIKE wildcards for use with ESCAPE '\'.
func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// arg returns the placeholder of the next argument after args.
func arg(args []any) string { return fmt.Sprintf("$%d", len(args)+1) }

// Counts counts records by decision.
func (t tx) Counts(ctx context.Context, runID int64, f store.Filter) (record.Summary, error) {
	cond, args := where(runID, f, false)
	rows, err := t.q.Query(ctx, `SELECT decision, COUNT(*) FROM records WHERE `+cond+` GROUP BY decision`, args...)
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
	rows, err := t.q.Query(ctx, `SELECT review, COUNT(*) FROM records WHERE run_id = $1 GROUP BY review`, runID)
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
	page := ` ORDER BY seq LIMIT ` + arg(args)
	args = append(args, limit)
	page += ` OFFSET ` + arg(args)
	args = append(args, offset)
	rows, err := t.q.Query(ctx, `SELECT seq, record_id, "row", decision, reviewed_decision, review, parties, top_name, top_score, rules, reviewed_by
		FROM records WHERE `+cond+page, args...)
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
	q := ` AND seq > ` + arg(args) + ` ORDER BY seq LIMIT 1`
	if dir < 0 {
		q = ` AND seq < ` + arg(args) + ` ORDER BY seq DESC LIMIT 1`
	}
	var n int
	err := t.q.QueryRow(ctx, `SELECT seq FROM records WHERE `+cond+q, append(args, seq)...).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("neighbour of run %d record %d: %w", runID, seq, err)
	}
	return n, nil
}

// CompareRuns walks the records of run id beside those of run parent.
func (t tx) CompareRuns(ctx context.Context, parent, id int64, fn func(store.Change) error) error {
	rows, err := t.q.Query(ctx, `SELECT b.seq, b.record_id, a.decision, b.decision, a.entities, b.entities, a.review, a.reviewed_by
		FROM records b JOIN records a ON a.run_id = $1 AND a.seq = b.seq
		WHERE b.run_id = $2 ORDER BY b.seq`, parent, id)
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
