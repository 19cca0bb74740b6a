// Package filestore keeps monitoring's portfolios, states, alerts and
// webhook deliveries in files beside the list store (monitor.Store):
//
//	<dir>/portfolios/<name>/info.json       the portfolio without its items
//	<dir>/portfolios/<name>/items.gob       its items
//	<dir>/portfolios/<name>/state.json.gz   what the last screening decided
//	<dir>/alerts.json.gz                    every alert, with its status
//	<dir>/deliveries.json.gz                every webhook delivery attempt
//
// Every file is replaced by an atomic rename. Writes are serialised within
// the process, and across processes by the lock given with WithLock (the
// CLI and `screen serve` pass the list store's writer lock), so that a
// `screen monitor` run and a server on the same store do not overwrite
// each other's alerts. Alerts and deliveries are kept in one file each: the
// file store suits the alert volume of list changes, not an archive of
// years; the review workspace's database holds them when a server runs
// with one.
package filestore

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/screen-compliance/screen/monitor"
)

// Files of the store.
const (
	portfoliosDir  = "portfolios"
	infoFile       = "info.json"
	itemsFile      = "items.gob"
	stateFile      = "state.json.gz"
	alertsFile     = "alerts.json.gz"
	deliveriesFile = "deliveries.json.gz"
)

// LockFunc takes a lock shared by every process writing the store and
// returns the function that releases it.
type LockFunc func(ctx context.Context) (unlock func() error, err error)

// Option configures a Store.
type Option func(*Store)

// WithLock serialises writes across processes with lock.
func WithLock(lock LockFunc) Option { return func(s *Store) { s.lock = lock } }

// Store is the file store. It is safe for concurrent use.
type Store struct {
	dir  string
	lock LockFunc
	mu   sync.Mutex
}

var _ monitor.Store = (*Store)(nil)

// Open opens (creating it) the store in dir.
func Open(dir string, opts ...Option) (*Store, error) {
	if err := os.MkdirAll(filepath.Join(dir, portfoliosDir), 0o755); err != nil {
		return nil, fmt.Errorf("monitor store %s: %w", dir, err)
	}
	s := &Store{dir: dir}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// Dir returns the store's directory.
func (s *Store) Dir() string { return s.dir }

// write runs fn holding the process mutex and the shared lock.
func (s *Store) write(ctx context.Context, fn func() error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lock != nil {
		unlock, err := s.lock(ctx)
		if err != nil {
			return fmt.Errorf("monitor store: %w", err)
		}
		defer unlock()
	}
	return fn()
}

// portfolioDir returns the directory of a portfolio, checking its name.
func (s *Store) portfolioDir(name string) (string, error) {
	if err := monitor.ValidName(name); err != nil {
		return "", err
	}
	return filepath.Join(s.dir, portfoliosDir, name), nil
}

// SavePortfolio creates or replaces a portfolio.
func (s *Store) SavePortfolio(ctx context.Context, p *monitor.Portfolio) error {
	dir, err := s.portfolioDir(p.Name)
	if err != nil {
		return err
	}
	return s.write(ctx, func() error {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("save portfolio %s: %w", p.Name, err)
		}
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(p.Items); err != nil {
			return fmt.Errorf("save portfolio %s: %w", p.Name, err)
		}
		if err := writeAtomic(filepath.Join(dir, itemsFile), buf.Bytes()); err != nil {
			return fmt.Errorf("save portfolio %s: %w", p.Name, err)
		}
		b, err := json.MarshalIndent(p.Info(), "", "  ")
		if err != nil {
			return err
		}
		if err := writeAtomic(filepath.Join(dir, infoFile), b); err != nil {
			return fmt.Errorf("save portfolio %s: %w", p.Name, err)
		}
		return nil
	})
}

// info reads the info.json of a portfolio.
func readInfo(dir string) (monitor.PortfolioInfo, error) {
	var pi monitor.PortfolioInfo
	b, err := os.ReadFile(filepath.Join(dir, infoFile))
	if err != nil {
		return pi, err
	}
	if err := json.Unmarshal(b, &pi); err != nil {
		return pi, fmt.Errorf("%s: %w", filepath.Join(dir, infoFile), err)
	}
	return pi, nil
}

// Portfolio reads a portfolio with its items.
func (s *Store) Portfolio(ctx context.Context, name string) (*monitor.Portfolio, error) {
	dir, err := s.portfolioDir(name)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		pi, err := readInfo(dir)
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("portfolio %s: %w", name, monitor.ErrNotFound)
		}
		if err != nil {
			return nil, err
		}
		f, err := os.Open(filepath.Join(dir, itemsFile))
		if err != nil {
			return nil, fmt.Errorf("portfolio %s: %w", name, err)
		}
		var items []monitor.Item
		err = gob.NewDecoder(f).Decode(&items)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("portfolio %s: read items: %w", name, err)
		}
		if len(items) != pi.Items && attempt < 3 {
			continue // replaced between the two reads
		}
		return &monitor.Portfolio{Name: pi.Name, Rev: pi.Rev, CreatedAt: pi.CreatedAt, UpdatedAt: pi.UpdatedAt, Items: items}, ctx.Err()
	}
}

// Portfolios describes every portfolio, by name.
func (s *Store) Portfolios(ctx context.Context) ([]monitor.PortfolioInfo, error) {
	ents, err := os.ReadDir(filepath.Join(s.dir, portfoliosDir))
	if err != nil {
		return nil, fmt.Errorf("monitor store: %w", err)
	}
	var out []monitor.PortfolioInfo
	for _, e := range ents {
		if !e.IsDir() || monitor.ValidName(e.Name()) != nil {
			continue
		}
		pi, err := readInfo(filepath.Join(s.dir, portfoliosDir, e.Name()))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, pi)
	}
	return out, ctx.Err()
}

// DeletePortfolio deletes a portfolio and its state.
func (s *Store) DeletePortfolio(ctx context.Context, name string) error {
	dir, err := s.portfolioDir(name)
	if err != nil {
		return err
	}
	return s.write(ctx, func() error {
		if _, err := os.Stat(filepath.Join(dir, infoFile)); errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("portfolio %s: %w", name, monitor.ErrNotFound)
		}
		if err := os.Remove(filepath.Join(dir, infoFile)); err != nil {
			return fmt.Errorf("delete portfolio %s: %w", name, err)
		}
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("delete portfolio %s: %w", name, err)
		}
		return nil
	})
}

// PortfolioState reads the state of a portfolio (nil when none).
func (s *Store) PortfolioState(ctx context.Context, name string) (*monitor.State, error) {
	dir, err := s.portfolioDir(name)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, infoFile)); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("portfolio %s: %w", name, monitor.ErrNotFound)
	}
	var st monitor.State
	err = readGzipJSON(filepath.Join(dir, stateFile), &st)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("portfolio %s: state: %w", name, err)
	}
	return &st, ctx.Err()
}

// SavePortfolioState saves a state if the stored one is at revision prev.
func (s *Store) SavePortfolioState(ctx context.Context, name string, st *monitor.State, prev int64) error {
	dir, err := s.portfolioDir(name)
	if err != nil {
		return err
	}
	return s.write(ctx, func() error {
		if _, err := os.Stat(filepath.Join(dir, infoFile)); errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("portfolio %s: %w", name, monitor.ErrNotFound)
		}
		var cur monitor.State
		switch err := readGzipJSON(filepath.Join(dir, stateFile), &cur); {
		case errors.Is(err, os.ErrNotExist):
		case err != nil:
			return fmt.Errorf("portfolio %s: state: %w", name, err)
		}
		if cur.Rev != prev {
			return fmt.Errorf("portfolio %s: state at revision %d, not %d: %w", name, cur.Rev, prev, monitor.ErrConflict)
		}
		if err := writeGzipJSON(filepath.Join(dir, stateFile), st); err != nil {
			return fmt.Errorf("portfolio %s: save state: %w", name, err)
		}
		return nil
	})
}

// alertLog is the alerts file.
type alertLog struct {
	NextID int64            `json:"next_id"`
	Alerts []*monitor.Alert `json:"alerts"`
}

// deliveryLog is the deliveries file.
type deliveryLog struct {
	NextID     int64               `json:"next_id"`
	Deliveries []*monitor.Delivery `json:"deliveries"`
}

func (s *Store) readAlerts() (*alertLog, error) {
	l := &alertLog{NextID: 1}
	if err := readGzipJSON(filepath.Join(s.dir, alertsFile), l); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("monitor store: alerts: %w", err)
	}
	return l, nil
}

// AddAlerts stores alerts, skipping those whose fingerprint is stored.
func (s *Store) AddAlerts(ctx context.Context, as []*monitor.Alert) (int, error) {
	added := 0
	err := s.write(ctx, func() error {
		l, err := s.readAlerts()
		if err != nil {
			return err
		}
		byFP := make(map[string]int64, len(l.Alerts))
		for _, a := range l.Alerts {
			byFP[a.Fingerprint] = a.ID
		}
		for _, a := range as {
			if id, ok := byFP[a.Fingerprint]; ok && a.Fingerprint != "" {
				a.ID = id
				continue
			}
			a.ID = l.NextID
			l.NextID++
			c := *a
			l.Alerts = append(l.Alerts, &c)
			byFP[a.Fingerprint] = a.ID
			added++
		}
		if added == 0 {
			return nil
		}
		return writeGzipJSON(filepath.Join(s.dir, alertsFile), l)
	})
	return added, err
}

// Alerts returns the alerts f selects, by id.
func (s *Store) Alerts(ctx context.Context, f monitor.AlertFilter) ([]*monitor.Alert, error) {
	l, err := s.readAlerts()
	if err != nil {
		return nil, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	var out []*monitor.Alert
	for _, a := range l.Alerts {
		if a.ID <= f.AfterID || (f.Portfolio != "" && a.Portfolio != f.Portfolio) || (f.Status != "" && a.Status != f.Status) ||
			(f.Kind != "" && a.Kind != f.Kind) || (f.Webhook != "" && a.Webhook != f.Webhook) {
			continue
		}
		out = append(out, a)
		if len(out) == limit {
			break
		}
	}
	return out, ctx.Err()
}

// Alert returns one alert.
func (s *Store) Alert(ctx context.Context, id int64) (*monitor.Alert, error) {
	l, err := s.readAlerts()
	if err != nil {
		return nil, err
	}
	i, ok := slices.BinarySearchFunc(l.Alerts, id, func(a *monitor.Alert, id int64) int { return cmp.Compare(a.ID, id) })
	if !ok {
		return nil, fmt.Errorf("alert %d: %w", id, monitor.ErrNotFound)
	}
	return l.Alerts[i], ctx.Err()
}

// SetAlertStatus sets an alert's status if it is at c.Version.
func (s *Store) SetAlertStatus(ctx context.Context, id int64, c monitor.StatusChange) error {
	return s.write(ctx, func() error {
		l, err := s.readAlerts()
		if err != nil {
			return err
		}
		i, ok := slices.BinarySearchFunc(l.Alerts, id, func(a *monitor.Alert, id int64) int { return cmp.Compare(a.ID, id) })
		if !ok {
			return fmt.Errorf("alert %d: %w", id, monitor.ErrNotFound)
		}
		a := l.Alerts[i]
		if a.Version != c.Version {
			return fmt.Errorf("alert %d is at version %d, not %d: %w", id, a.Version, c.Version, monitor.ErrConflict)
		}
		a.Status, a.StatusReason, a.StatusBy, a.StatusAt = c.Status, c.Reason, c.By, c.At.UTC()
		a.Version++
		return writeGzipJSON(filepath.Join(s.dir, alertsFile), l)
	})
}

// AddDelivery records a delivery attempt and the alert's webhook state.
func (s *Store) AddDelivery(ctx context.Context, d *monitor.Delivery) error {
	return s.write(ctx, func() error {
		l, err := s.readAlerts()
		if err != nil {
			return err
		}
		i, ok := slices.BinarySearchFunc(l.Alerts, d.AlertID, func(a *monitor.Alert, id int64) int { return cmp.Compare(a.ID, id) })
		if !ok {
			return fmt.Errorf("alert %d: %w", d.AlertID, monitor.ErrNotFound)
		}
		dl := &deliveryLog{NextID: 1}
		if err := readGzipJSON(filepath.Join(s.dir, deliveriesFile), dl); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("monitor store: deliveries: %w", err)
		}
		d.ID = dl.NextID
		dl.NextID++
		c := *d
		dl.Deliveries = append(dl.Deliveries, &c)
		if err := writeGzipJSON(filepath.Join(s.dir, deliveriesFile), dl); err != nil {
			return err
		}
		l.Alerts[i].Webhook = d.Outcome
		return writeGzipJSON(filepath.Join(s.dir, alertsFile), l)
	})
}

// Deliveries returns the delivery attempts of an alert, oldest first.
func (s *Store) Deliveries(ctx context.Context, alertID int64) ([]*monitor.Delivery, error) {
	dl := &deliveryLog{}
	if err := readGzipJSON(filepath.Join(s.dir, deliveriesFile), dl); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("monitor store: deliveries: %w", err)
	}
	var out []*monitor.Delivery
	for _, d := range dl.Deliveries {
		if d.AlertID == alertID {
			out = append(out, d)
		}
	}
	return out, ctx.Err()
}

// readGzipJSON decodes a gzip JSON file into v.
func readGzipJSON(path string, v any) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	defer zr.Close()
	return json.NewDecoder(zr).Decode(v)
}

// writeGzipJSON writes v as gzip JSON, atomically.
func writeGzipJSON(path string, v any) error {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(v); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return writeAtomic(path, buf.Bytes())
}

// writeAtomic writes b beside path, fsyncs it and renames it into place.
func writeAtomic(path string, b []byte) error {
	rnd := make([]byte, 6)
	_, _ = io.ReadFull(rand.Reader, rnd)
	tmp := path + ".tmp-" + hex.EncodeToString(rnd)
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
