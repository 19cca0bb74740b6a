package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/screen-compliance/screen/input"
	"github.com/screen-compliance/screen/record"
)

// maxFieldBytes caps one non-file form field of the upload form.
const maxFieldBytes = 4 << 10

// uploadError is a problem with an upload the operator can fix.
type uploadError struct {
	status int
	msg    string
}

func (e *uploadError) Error() string { return e.msg }

// upload receives a new run: the form is streamed, the file goes to a temp
// file in the store directory (never into memory), is opened with the same
// readers as `screen scan`, and is screened in the background.
func (a *App) upload(w http.ResponseWriter, r *http.Request) {
	s, ok := a.sessionFrom(r)
	if !ok {
		a.fail(w, r, nil, http.StatusUnauthorized, "Sign in first.")
		return
	}
	if !s.CanWrite() {
		a.fail(w, r, s, http.StatusForbidden, "Your role ("+s.Role+") may look but not start runs.")
		return
	}
	// A large file may take longer than the server's read timeout for
	// ordinary requests; UploadTimeout bounds it instead.
	http.NewResponseController(w).SetReadDeadline(time.Now().Add(a.opts.UploadTimeout))
	r.Body = http.MaxBytesReader(w, r.Body, a.opts.MaxUpload+64<<10)
	f, err := a.receive(r, s)
	if err != nil {
		var ue *uploadError
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			a.fail(w, r, s, http.StatusRequestEntityTooLarge, fmt.Sprintf("The file is larger than the upload limit of %s.", humanBytes(a.opts.MaxUpload)))
		case errors.As(err, &ue):
			a.fail(w, r, s, ue.status, ue.msg)
		default:
			a.internal(w, r, s, err)
		}
		return
	}
	if msg := a.checkRunOptions(&f.opts, s); msg != "" {
		f.cleanup()
		a.fail(w, r, s, http.StatusForbidden, msg)
		return
	}
	rd, cr, err := openUpload(f.path, f.name)
	if err != nil {
		f.cleanup()
		a.fail(w, r, s, http.StatusUnprocessableEntity, "The file could not be read: "+err.Error())
		return
	}
	upload := filepath.Base(f.path)
	id, err := a.createRun(r.Context(), newRun{name: f.title, file: f.name, sha: f.sha, operator: s.Operator, opts: f.opts, upload: upload})
	if err != nil {
		rd.Close()
		f.cleanup()
		a.internal(w, r, s, err)
		return
	}
	a.startRun(id, uploadSource(rd, cr, f.size, upload), f.opts)
	http.Redirect(w, r, "/runs/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// uploadSource feeds a run from an opened upload of size bytes.
func uploadSource(rd input.Reader, cr *countingReader, size int64, upload string) source {
	total := float64(max(size, 1))
	return source{
		next:     rd.Next,
		progress: func() float64 { return min(float64(cr.n.Load())/total, 0.99) },
		close:    func() { rd.Close() },
		upload:   upload,
	}
}

// checkRunOptions refuses options only an admin may choose, and unknown
// rule ids and list names; it records the admin who chose them. It returns
// a message for the operator, or "".
func (a *App) checkRunOptions(o *RunOptions, s *session) string {
	if !o.Narrowed() {
		o.SetBy = ""
		return ""
	}
	if !s.IsAdmin() {
		return "Only an admin may leave rules or lists out of a run: their findings would not count. Screen with every rule and list, or ask an admin."
	}
	rules := map[string]bool{}
	for _, r := range a.eng.Policy().Rules() {
		rules[r.ID] = true
	}
	for _, id := range o.DisabledRules {
		if !rules[id] {
			return fmt.Sprintf("There is no rule %q to leave out.", id)
		}
	}
	ls := map[string]bool{}
	for _, l := range a.eng.Lists() {
		ls[l.Name] = true
	}
	for _, n := range o.Lists {
		if !ls[n] {
			return fmt.Sprintf("There is no list %q.", n)
		}
	}
	o.SetBy = s.Operator
	return ""
}

// received is an uploaded file and the run's choices.
type received struct {
	path, name, title, sha string
	size                   int64
	opts                   RunOptions
}

// receive streams the multipart form. The CSRF field must come before the
// file (the form puts it first), so that nothing is written to disk for a
// forged request.
func (a *App) receive(r *http.Request, s *session) (*received, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, &uploadError{http.StatusBadRequest, "Send the form as multipart/form-data with a file."}
	}
	var f received
	csrfOK := s.Token
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			f.cleanup()
			return nil, fmt.Errorf("read upload: %w", err)
		}
		name := p.FormName()
		if name == "file" {
			if !csrfOK {
				p.Close()
				return nil, &uploadError{http.StatusForbidden, "This form has expired or did not come from this workspace (CSRF check failed). Reload the page and try again."}
			}
			if f.path != "" {
				p.Close()
				f.cleanup()
				return nil, &uploadError{http.StatusBadRequest, "Upload one file per run."}
			}
			if err := a.saveFile(p, &f); err != nil {
				p.Close()
				f.cleanup()
				return nil, err
			}
			p.Close()
			continue
		}
		v, err := readField(p)
		p.Close()
		if err != nil {
			f.cleanup()
			return nil, err
		}
		switch name {
		case "csrf":
			csrfOK = csrfOK || (s.CSRF != "" && v == s.CSRF)
		case "name":
			f.title = strings.TrimSpace(v)
		case "lists":
			f.opts.Lists = append(f.opts.Lists, v)
		case "disable":
			f.opts.DisabledRules = append(f.opts.DisabledRules, v)
		case "apply_ignore":
			f.opts.ApplySuppressions = v != ""
		}
	}
	if !csrfOK {
		f.cleanup()
		return nil, &uploadError{http.StatusForbidden, "This form has expired or did not come from this workspace (CSRF check failed). Reload the page and try again."}
	}
	if f.path == "" {
		return nil, &uploadError{http.StatusBadRequest, "Choose a file to screen (CSV, TSV, XLSX, JSON or JSON Lines)."}
	}
	if f.size == 0 {
		f.cleanup()
		return nil, &uploadError{http.StatusUnprocessableEntity, "The file " + f.name + " is empty."}
	}
	// Choosing every loaded list is the same as choosing none: no filter.
	chosen := map[string]bool{}
	for _, l := range f.opts.Lists {
		chosen[l] = true
	}
	all := true
	for _, l := range a.eng.Lists() {
		all = all && chosen[l.Name]
	}
	if all {
		f.opts.Lists = nil
	}
	f.opts.Lists, f.opts.DisabledRules = nilIfEmpty(uniqSorted(f.opts.Lists)), nilIfEmpty(uniqSorted(f.opts.DisabledRules))
	if f.title == "" {
		f.title = f.name
	}
	if len([]rune(f.title)) > 200 {
		f.title = string([]rune(f.title)[:200])
	}
	return &f, nil
}

func nilIfEmpty(v []string) []string {
	if len(v) == 0 {
		return nil
	}
	return v
}

func (f *received) cleanup() {
	if f.path != "" {
		os.Remove(f.path)
		f.path = ""
	}
}

// readField reads a small form field.
func readField(p *multipart.Part) (string, error) {
	b, err := io.ReadAll(io.LimitReader(p, maxFieldBytes+1))
	if err != nil {
		return "", fmt.Errorf("read form field %s: %w", p.FormName(), err)
	}
	if len(b) > maxFieldBytes {
		return "", &uploadError{http.StatusRequestEntityTooLarge, "The form field " + p.FormName() + " is too long."}
	}
	return string(b), nil
}

// saveFile copies the file part to a temp file under the store directory.
func (a *App) saveFile(p *multipart.Part, f *received) error {
	f.name = cleanFileName(p.FileName())
	ext := strings.ToLower(filepath.Ext(f.name))
	if ext != "" && !allowedExt[ext] {
		return &uploadError{http.StatusUnsupportedMediaType, fmt.Sprintf("%s: files of type %s cannot be screened; upload CSV, TSV, XLSX, JSON or JSON Lines.", f.name, ext)}
	}
	tmp, err := os.CreateTemp(filepath.Join(a.opts.Dir, "uploads"), "upload-*"+ext)
	if err != nil {
		return fmt.Errorf("store upload: %w", err)
	}
	f.path = tmp.Name()
	n, sha, err := copyHashed(tmp, io.LimitReader(p, a.opts.MaxUpload+1))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if n > a.opts.MaxUpload {
		return &http.MaxBytesError{Limit: a.opts.MaxUpload}
	}
	f.size, f.sha = n, sha
	return nil
}

// openUpload opens a stored upload with the input readers; name (the
// uploaded file's name) picks the format and names the rows' source.
func openUpload(path, name string) (input.Reader, *countingReader, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("open upload: %w", err)
	}
	cr := &countingReader{r: fh}
	rd, err := input.NewReader(cr, name, input.Options{})
	if err != nil {
		fh.Close()
		return nil, nil, err
	}
	return closeBoth{rd, fh}, cr, nil
}

// closeBoth is a reader that also closes the file under it.
type closeBoth struct {
	input.Reader
	f *os.File
}

func (c closeBoth) Close() error { return errors.Join(c.Reader.Close(), c.f.Close()) }

// progress answers the run's status as JSON for the progress poller.
func (a *App) progress(w http.ResponseWriter, r *http.Request, s *session) {
	id, ok := pathInt(r, "run")
	if !ok {
		http.NotFound(w, r)
		return
	}
	run, err := a.getRun(r.Context(), id)
	if err != nil {
		if errors.Is(err, errNotFound) {
			http.NotFound(w, r)
			return
		}
		a.internal(w, r, s, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(map[string]any{"status": run.Status, "progress": run.Progress, "screened": run.Screened, "error": run.Error})
}

// rescreen screens a saved run again with the current lists and policies,
// as a new run whose parent is the old one.
func (a *App) rescreen(w http.ResponseWriter, r *http.Request, s *session) {
	id, ok := pathInt(r, "run")
	if !ok {
		a.fail(w, r, s, http.StatusNotFound, "No such run.")
		return
	}
	old, err := a.getRun(r.Context(), id)
	if err != nil {
		if errors.Is(err, errNotFound) {
			a.fail(w, r, s, http.StatusNotFound, "No such run.")
			return
		}
		a.internal(w, r, s, err)
		return
	}
	opts, note := old.Options, ""
	if opts.Narrowed() && !s.IsAdmin() {
		// Only an admin may leave rules or lists out: a reviewer's
		// re-screen puts them back (more findings, never fewer).
		opts = RunOptions{ApplySuppressions: opts.ApplySuppressions}
		note = "The rules and lists the admin left out of run " + strconv.FormatInt(old.ID, 10) + " count again in this re-screen (only an admin may leave them out)."
	} else if opts.Narrowed() {
		opts.SetBy = s.Operator
	}
	nr := newRun{name: old.Name, file: old.FileName, sha: old.InputSHA256, operator: s.Operator, parent: old.ID, opts: opts}
	var src source
	release := func() {} // closes what a run that does not start leaves open
	switch {
	case old.Done():
		src = a.storedSource(old.ID, old.Screened)
	case old.Failed() && old.Upload != "":
		// A failed or interrupted run is screened again from its kept
		// upload, which moves to the new run.
		path := a.uploadPath(old.Upload)
		fi, err := os.Stat(path)
		if err != nil {
			a.fail(w, r, s, http.StatusConflict, "The uploaded file of this run is gone; upload the file again.")
			return
		}
		rd, cr, err := openUpload(path, old.FileName)
		if err != nil {
			a.fail(w, r, s, http.StatusUnprocessableEntity, "The uploaded file of this run could not be read: "+err.Error())
			return
		}
		nr.upload, nr.takeUpload = old.Upload, true
		src = uploadSource(rd, cr, fi.Size(), old.Upload)
		release = func() { rd.Close() }
	case old.Failed():
		a.fail(w, r, s, http.StatusConflict, fmt.Sprintf("This run failed and its uploaded file is no longer kept (uploads of failed runs are kept %s); upload the file again.",
			humanDuration(a.opts.UploadRetention)))
		return
	default:
		a.fail(w, r, s, http.StatusConflict, "This run has not finished; re-screen it once it is done.")
		return
	}
	nid, err := a.createRun(r.Context(), nr)
	if err != nil {
		release()
		a.internal(w, r, s, err)
		return
	}
	a.startRun(nid, src, opts)
	target := "/runs/" + strconv.FormatInt(nid, 10) + "/diff"
	if note != "" {
		target += "?flash=" + url.QueryEscape(note)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// humanDuration renders a retention as "7 days" or "36h0m0s".
func humanDuration(d time.Duration) string {
	if d >= 24*time.Hour && d%(24*time.Hour) == 0 {
		if n := int(d / (24 * time.Hour)); n != 1 {
			return fmt.Sprintf("%d days", n)
		}
		return "1 day"
	}
	return d.String()
}

// storedSource reads the input records of a saved run in order, a page at
// a time.
func (a *App) storedSource(runID int64, total int) source {
	var (
		buf  []record.Record
		last int
		done atomic.Int64
	)
	next := func() (record.Record, error) {
		if len(buf) == 0 {
			ins, err := a.st.Inputs(a.ctx, runID, last, recordsPage)
			if err != nil {
				return record.Record{}, fmt.Errorf("re-screen run %d: %w", runID, err)
			}
			for _, in := range ins {
				buf = append(buf, in.Record)
				last = in.Seq
			}
			if len(buf) == 0 {
				return record.Record{}, io.EOF
			}
		}
		rec := buf[0]
		buf = buf[1:]
		done.Add(1)
		return rec, nil
	}
	return source{
		next:     next,
		progress: func() float64 { return min(float64(done.Load())/float64(max(total, 1)), 0.99) },
		close:    func() {},
	}
}
