package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/web/store"
)

const runColumns = `id, name, file_name, input_sha256, created_at, created_by, COALESCE(parent_id, 0), status, progress, screened, error, options, lists, policy_sha256, engine, facets, finished_at, upload_path`

func scanRun(sc pgx.Row) (*store.Run, error) {
	var r store.Run
	var created, finished, opts, ls, facets string
	if err := sc.Scan(&r.ID, &r.Name, &r.FileName, &r.InputSHA256, &created, &r.CreatedBy, &r.ParentID, &r.Status, &r.Progress,
		&r.Screened, &r.Error, &opts, &ls, &r.PolicySHA256, &r.Engine, &facets, &finished, &r.Upload); err != nil {
		return nil, err
	}
	r.CreatedAt, r.FinishedAt = store.ParseText(created), store.ParseText(finished)
	if err := errors.Join(json.Unmarshal([]byte(opts), &r.Options), json.Unmarshal([]byte(ls), &r.Lists), json.Unmarshal([]byte(facets), &r.Facets)); err != nil {
		return nil, fmt.Errorf("run %d: %w", r.ID, err)
	}
	return &r, nil
}

// CreateRun inserts a run in status running.
func (t tx) CreateRun(ctx context.Context, nr store.NewRun) (int64, error) {
	ob, err := json.Marshal(nr.Options)
	if err != nil {
		return 0, fmt.Errorf("create run: %w", err)
	}
	var parent *int64
	if nr.ParentID > 0 {
		parent = &nr.ParentID
	}
	var id int64
	err = t.q.QueryRow(ctx, `INSERT INTO runs (name, file_name, input_sha256, created_at, created_by, parent_id, status, options, upload_path)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		nr.Name, nr.FileName, nr.InputSHA256, store.Text(nr.CreatedAt), nr.CreatedBy, parent, store.StatusRunning, string(ob), nr.Upload).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("create run: %w", err)
	}
	return id, nil
}

// Run reads one run.
func (t tx) Run(ctx context.Context, id int64) (*store.Run, error) {
	r, err := scanRun(t.q.QueryRow(ctx, `SELECT `+runColumns+` FROM runs WHERE id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("read run %d: %w", id, notFound(err))
	}
	return r, nil
}

// Runs returns the newest runs first.
func (t tx) Runs(ctx context.Context, limit int) ([]*store.Run, error) {
	return t.runs(ctx, "list runs", `SELECT `+runColumns+` FROM runs ORDER BY id DESC LIMIT $1`, limit)
}

// RunsWithUpload returns the runs that keep an upload.
func (t tx) RunsWithUpload(ctx context.Context) ([]*store.Run, error) {
	return t.runs(ctx, "runs with uploads", `SELECT `+runColumns+` FROM runs WHERE upload_path <> '' ORDER BY id`)
}

func (t tx) runs(ctx context.Context, what, query string, args ...any) ([]*store.Run, error) {
	rows, err := t.q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var out []*store.Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// exec runs one statement on run id.
func (t tx) exec(ctx context.Context, id int64, what, query string, args ...any) error {
	if _, err := t.q.Exec(ctx, query, args...); err != nil {
		return fmt.Errorf("run %d: %s: %w", id, what, err)
	}
	return nil
}

// SetRunProvenance records the lists, policy and engine of a run.
func (t tx) SetRunProvenance(ctx context.Context, id int64, lists []entity.Metadata, policySHA256, engine string) error {
	lb, err := json.Marshal(lists)
	if err != nil {
		return fmt.Errorf("run %d: provenance: %w", id, err)
	}
	return t.exec(ctx, id, "provenance", `UPDATE runs SET lists = $1, policy_sha256 = $2, engine = $3 WHERE id = $4`, string(lb), policySHA256, engine, id)
}

// SetRunProgress records how far a run is.
func (t tx) SetRunProgress(ctx context.Context, id int64, screened int, progress float64) error {
	return t.exec(ctx, id, "progress", `UPDATE runs SET screened = $1, progress = $2 WHERE id = $3`, screened, progress, id)
}

// SetRunFacets records the facets of a run.
func (t tx) SetRunFacets(ctx context.Context, id int64, f store.Facets) error {
	fb, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("run %d: store facets: %w", id, err)
	}
	return t.exec(ctx, id, "store facets", `UPDATE runs SET facets = $1 WHERE id = $2`, string(fb), id)
}

// FinishRun ends a run.
func (t tx) FinishRun(ctx context.Context, id int64, status, msg string, at time.Time) error {
	return t.exec(ctx, id, "finish", `UPDATE runs SET status = $1, error = $2, finished_at = $3, progress = CASE WHEN $1 = 'done' THEN 1 ELSE progress END WHERE id = $4`,
		status, msg, store.Text(at), id)
}

// FailRunning marks the runs still running failed. A workspace whose
// processes share the database does not call it: another process may be
// screening them (see store.Jobs).
func (t tx) FailRunning(ctx context.Context, msg string, at time.Time) error {
	if _, err := t.q.Exec(ctx, `UPDATE runs SET status = 'failed', error = $1, finished_at = $2 WHERE status = 'running'`, msg, store.Text(at)); err != nil {
		return fmt.Errorf("mark interrupted runs: %w", err)
	}
	return nil
}

// ClearUpload forgets a run's upload if it is name.
func (t tx) ClearUpload(ctx context.Context, id int64, name string) error {
	return t.exec(ctx, id, "forget upload", `UPDATE runs SET upload_path = '' WHERE id = $1 AND upload_path = $2`, id, name)
}
