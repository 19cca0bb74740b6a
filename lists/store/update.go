package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/lists"
)

// Source says where to download one list: its files (saved under the given
// names, the first being the main file) and its format.
type Source struct {
	Format string `json:"format"`
	Files  []File `json:"files"`
}

// File is one downloadable file of a list.
type File struct {
	URL  string `json:"url"`
	Name string `json:"name"`
}

// DefaultSources returns the official download locations of the lists that
// are published openly. Each call returns a fresh map.
func DefaultSources() map[string]Source {
	ofac := func(base string, names ...string) []File {
		var fs []File
		for _, n := range names {
			fs = append(fs, File{URL: base + strings.ToUpper(n), Name: n})
		}
		return fs
	}
	const ofacBase = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"
	return map[string]Source{
		"un":       {Format: lists.FormatUN, Files: []File{{URL: "https://scsanctions.un.org/resources/xml/en/consolidated.xml", Name: "consolidated.xml"}}},
		"ofac":     {Format: lists.FormatOFACSDN, Files: ofac(ofacBase, "sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")},
		"ofaccons": {Format: lists.FormatOFACCons, Files: ofac(ofacBase, "cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv")},
		"eu":       {Format: lists.FormatEU, Files: []File{{URL: "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw", Name: "eu-fsf.xml"}}},
		"uk":       {Format: lists.FormatUK, Files: []File{{URL: "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml", Name: "UK-Sanctions-List.xml"}}},
		"bis":      {Format: lists.FormatBIS, Files: []File{{URL: "https://www.bis.doc.gov/dpl/dpl.txt", Name: "dpl.txt"}}},
	}
}

// UpdateOptions control Update.
type UpdateOptions struct {
	ImportOptions
	// Sources maps list names to download locations; nil means
	// DefaultSources.
	Sources map[string]Source
	// Client is the HTTP client; nil means a client with no overall
	// timeout (Timeout bounds each request).
	Client *http.Client
	// Timeout bounds one download attempt (default 2 minutes).
	Timeout time.Duration
	// Retries is the number of further attempts after a failed download
	// (default 3; negative means none).
	Retries int
	// Backoff is the wait before the first retry, doubled for each further
	// one (default 2 s).
	Backoff time.Duration
	// UserAgent is sent with each request (default "screen").
	UserAgent string
}

// UpdateResult reports what Update did for one list.
type UpdateResult struct {
	Name string `json:"name"`
	// NotModified is true when the server said every file was unchanged
	// since the last download, so nothing was imported.
	NotModified bool            `json:"not_modified"`
	Meta        entity.Metadata `json:"meta"`
	// Err is the reason the list was not updated, or nil.
	Err error `json:"-"`
}

// httpCache is the http.json of a list: validators of the last download.
type httpCache struct {
	Files map[string]validators `json:"files"`
}

type validators struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

// Update downloads the named lists (all lists with a source when names is
// empty) with conditional GETs, then imports those that changed. Each list
// is updated independently: the results report per-list failures, and the
// returned error joins them.
func (s *Store) Update(ctx context.Context, names []string, opts UpdateOptions) ([]UpdateResult, error) {
	sources := opts.Sources
	if sources == nil {
		sources = DefaultSources()
	}
	if len(names) == 0 {
		for n := range sources {
			names = append(names, n)
		}
		sort.Strings(names)
	}
	var results []UpdateResult
	var errs []error
	for _, name := range names {
		src, ok := sources[name]
		if !ok {
			known := make([]string, 0, len(sources))
			for n := range sources {
				known = append(known, n)
			}
			sort.Strings(known)
			err := fmt.Errorf("update %s: no download source for this list (known: %s)", name, strings.Join(known, ", "))
			results = append(results, UpdateResult{Name: name, Err: err})
			errs = append(errs, err)
			continue
		}
		r := s.updateOne(ctx, name, src, opts)
		if r.Err != nil {
			errs = append(errs, r.Err)
		}
		results = append(results, r)
	}
	return results, errors.Join(errs...)
}

// updateOne downloads and imports one list.
func (s *Store) updateOne(ctx context.Context, name string, src Source, opts UpdateOptions) UpdateResult {
	res := UpdateResult{Name: name}
	if err := validName(name); err != nil {
		res.Err = fmt.Errorf("update: %w", err)
		return res
	}
	if len(src.Files) == 0 {
		res.Err = fmt.Errorf("update %s: source has no files", name)
		return res
	}
	cachePath := filepath.Join(s.dir, "lists", name, "http.json")
	var cache httpCache
	if b, err := os.ReadFile(cachePath); err == nil {
		_ = json.Unmarshal(b, &cache)
	}
	if cache.Files == nil {
		cache.Files = map[string]validators{}
	}
	_, installedErr := s.versionDir(name)
	conditional := installedErr == nil

	tmp, err := os.MkdirTemp(s.dir, ".tmp-dl-"+name+"-")
	if err != nil {
		res.Err = fmt.Errorf("update %s: %w", name, err)
		return res
	}
	defer os.RemoveAll(tmp)

	newCache := httpCache{Files: map[string]validators{}}
	changed := false
	for _, f := range src.Files {
		if err := validName(f.Name); err != nil {
			res.Err = fmt.Errorf("update %s: file %w", name, err)
			return res
		}
		var v validators
		if conditional {
			v = cache.Files[f.URL]
		}
		dst := filepath.Join(tmp, f.Name)
		got, notModified, err := download(ctx, f.URL, dst, v, opts)
		if err != nil {
			res.Err = fmt.Errorf("update %s: %w (the installed version stays)", name, err)
			return res
		}
		if notModified {
			newCache.Files[f.URL] = v
			continue
		}
		changed = true
		newCache.Files[f.URL] = got
	}
	if !changed {
		res.NotModified = true
		if m, err := s.readMeta(name); err == nil {
			res.Meta = m.Meta
		}
		return res
	}
	// Some files may be unchanged (304): fetch them again unconditionally
	// so the import sees a complete set.
	for _, f := range src.Files {
		dst := filepath.Join(tmp, f.Name)
		if _, err := os.Stat(dst); err == nil {
			continue
		}
		got, _, err := download(ctx, f.URL, dst, validators{}, opts)
		if err != nil {
			res.Err = fmt.Errorf("update %s: %w (the installed version stays)", name, err)
			return res
		}
		newCache.Files[f.URL] = got
	}
	iopts := opts.ImportOptions
	iopts.Format = src.Format
	if iopts.Name == "" {
		iopts.Name = name
	}
	main := filepath.Join(tmp, src.Files[0].Name)
	parsed, err := s.parse(ctx, []string{main}, iopts)
	if err != nil {
		res.Err = fmt.Errorf("update %s: %w", name, err)
		return res
	}
	urls := make([]string, len(src.Files))
	for i, f := range src.Files {
		urls[i] = f.URL
	}
	err = s.withLock(ctx, func() error {
		metas, err := s.installParsed(ctx, []string{main}, parsed, iopts, urls)
		if err != nil {
			return err
		}
		res.Meta = metas[0]
		// The validators are saved only once the version is installed, so
		// a failed import is downloaded again next time.
		if b, err := json.MarshalIndent(newCache, "", "  "); err == nil {
			_ = writeFileAtomic(cachePath, b)
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrLocked) {
			err = fmt.Errorf("%w (the installed version stays)", err)
		}
		res.Err = fmt.Errorf("update %s: %w", name, err)
	}
	return res
}

// errRetryable marks download failures worth retrying.
type errRetryable struct{ err error }

// Error returns the wrapped error's message.
func (e errRetryable) Error() string { return e.err.Error() }

// Unwrap returns the wrapped error.
func (e errRetryable) Unwrap() error { return e.err }

// download fetches url into dst, sending the validators; it retries
// network errors, 429 and 5xx answers with exponential backoff.
func download(ctx context.Context, url, dst string, v validators, opts UpdateOptions) (validators, bool, error) {
	retries, backoff, timeout := opts.Retries, opts.Backoff, opts.Timeout
	if retries == 0 {
		retries = 3
	} else if retries < 0 {
		retries = 0
	}
	if backoff <= 0 {
		backoff = 2 * time.Second
	}
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	var lastErr error
	for attempt := 0; attempt <= retries; attempt++ {
		if attempt > 0 {
			wait := backoff << (attempt - 1)
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return validators{}, false, ctx.Err()
			case <-t.C:
			}
		}
		got, notModified, err := fetchOnce(ctx, url, dst, v, opts, timeout)
		if err == nil {
			return got, notModified, nil
		}
		lastErr = err
		var re errRetryable
		if !errors.As(err, &re) || ctx.Err() != nil {
			return validators{}, false, err
		}
	}
	return validators{}, false, fmt.Errorf("%w (after %d attempts)", lastErr, retries+1)
}

// fetchOnce makes one conditional GET.
func fetchOnce(ctx context.Context, url, dst string, v validators, opts UpdateOptions, timeout time.Duration) (validators, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return validators{}, false, fmt.Errorf("GET %s: %w", url, err)
	}
	ua := opts.UserAgent
	if ua == "" {
		ua = "screen"
	}
	req.Header.Set("User-Agent", ua)
	if v.ETag != "" {
		req.Header.Set("If-None-Match", v.ETag)
	}
	if v.LastModified != "" {
		req.Header.Set("If-Modified-Since", v.LastModified)
	}
	client := opts.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return validators{}, false, errRetryable{fmt.Errorf("GET %s: %w", url, err)}
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified:
		return v, true, nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return validators{}, false, errRetryable{fmt.Errorf("GET %s: %s", url, resp.Status)}
	case resp.StatusCode != http.StatusOK:
		return validators{}, false, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	f, err := os.Create(dst)
	if err != nil {
		return validators{}, false, err
	}
	n, err := io.Copy(f, resp.Body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return validators{}, false, errRetryable{fmt.Errorf("GET %s: reading body: %w", url, err)}
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return validators{}, false, errRetryable{fmt.Errorf("GET %s: got %d of %s bytes", url, n, strconv.FormatInt(resp.ContentLength, 10))}
	}
	return validators{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}, false, nil
}
