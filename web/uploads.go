package web

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Uploads: an uploaded file is stored under <Dir>/uploads with a random
// name while its run screens it. When the run finishes, the file is
// deleted. When the run fails or is interrupted (the server stopped or was
// killed), the file is kept so that the run can be re-screened from it, for
// Options.UploadRetention after the failure; then it is deleted and the run
// can no longer be re-screened (upload the file again). At start, and every
// hour, expired uploads are deleted, and so are files in uploads/ that no run
// refers to (at start all of them; later those older than a day, so that an
// upload being received is left alone).

// interruptedMsg is the error of a run that stopped before it finished.
const interruptedMsg = "interrupted: the server stopped while this run was screened; re-screen it"

// orphanAge is how old a file in uploads/ that no run refers to must be
// before the hourly sweep deletes it.
const orphanAge = 24 * time.Hour

// uploadsDir is the directory of uploaded files.
func (a *App) uploadsDir() string { return filepath.Join(a.opts.Dir, "uploads") }

// uploadPath returns the path of a stored upload's base name, or "" when
// the name is not a plain file name.
func (a *App) uploadPath(name string) string {
	if name == "" || name != filepath.Base(name) || strings.HasPrefix(name, ".") {
		return ""
	}
	return filepath.Join(a.uploadsDir(), name)
}

// dropUpload deletes run id's upload and forgets it.
func (a *App) dropUpload(ctx context.Context, id int64, name string) error {
	if p := a.uploadPath(name); p != "" {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("run %d: delete upload: %w", id, err)
		}
	}
	return a.st.ClearUpload(ctx, id, name)
}

// cleanUploads deletes the uploads of finished runs and of failed runs
// older than the retention, and files no run refers to (all of them at
// start, else those older than orphanAge).
func (a *App) cleanUploads(ctx context.Context, atStart bool) error {
	now := a.opts.Clock()
	kept, err := a.st.RunsWithUpload(ctx)
	if err != nil {
		return fmt.Errorf("clean uploads: %w", err)
	}
	referenced := map[string]bool{}
	var errs []error
	for _, k := range kept {
		since := k.FinishedAt
		if since.IsZero() {
			since = k.CreatedAt
		}
		expired := k.Failed() && now.Sub(since) >= a.opts.UploadRetention
		if k.Done() || expired {
			if err := a.dropUpload(ctx, k.ID, k.Upload); err != nil {
				errs = append(errs, err)
			}
			if expired {
				a.opts.Logger.Info("upload of a failed run deleted after the retention", "run", k.ID, "retention", a.opts.UploadRetention.String())
			}
			continue
		}
		referenced[k.Upload] = true
	}
	ents, err := os.ReadDir(a.uploadsDir())
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("clean uploads: %w", err))...)
	}
	for _, e := range ents {
		if referenced[e.Name()] || !e.Type().IsRegular() {
			continue
		}
		if !atStart {
			info, err := e.Info()
			if err != nil || now.Sub(info.ModTime()) < orphanAge {
				continue
			}
		}
		if err := os.Remove(filepath.Join(a.uploadsDir(), e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("clean uploads: %w", err))
		}
	}
	return errors.Join(errs...)
}

// sweepUploads cleans the uploads every hour until the workspace closes.
func (a *App) sweepUploads() {
	defer a.wg.Done()
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-a.ctx.Done():
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(a.ctx, time.Minute)
			if err := a.cleanUploads(ctx, false); err != nil {
				a.opts.Logger.Warn("clean uploads", "err", err)
			}
			cancel()
		}
	}
}
