package storetest

import (
	"errors"
	"testing"

	"github.com/screen-compliance/screen/monitor"
	mstoretest "github.com/screen-compliance/screen/monitor/storetest"
	"github.com/screen-compliance/screen/record"
	"github.com/screen-compliance/screen/web/store"
)

// monitoring opens a store and returns its Monitoring, failing the test
// when the store has none.
func monitoring(t *testing.T, open func(t *testing.T) store.Store) (store.Store, store.Monitoring) {
	t.Helper()
	s := open(t)
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	m, ok := s.(store.Monitoring)
	if !ok {
		t.Fatalf("%T does not implement store.Monitoring (portfolios, states, alerts and deliveries of package monitor)", s)
	}
	return s, m
}

// testMonitoring runs monitor's store conformance tests on the store, and
// checks that an alert's status changes with its audit entry in one
// transaction.
func testMonitoring(t *testing.T, open func(t *testing.T) store.Store) {
	mstoretest.Run(t, func(t *testing.T) monitor.Store {
		_, m := monitoring(t, open)
		return m
	})
	t.Run("InUpdate", func(t *testing.T) {
		s, m := monitoring(t, open)
		as := []*monitor.Alert{mstoretest.Alert("alpha", "K1", record.AlertNewHit, "fp1")}
		_, err := m.AddAlerts(ctx(), as)
		must(t, err)
		id := as[0].ID
		change := monitor.StatusChange{Status: monitor.StatusDismissed, Reason: "not our party", By: "alice", At: t0, Version: 1}
		boom := errors.New("boom")
		err = s.Update(ctx(), func(tx store.Tx) error {
			tm, ok := tx.(store.Monitoring)
			if !ok {
				t.Fatalf("the Tx of Update (%T) does not implement store.Monitoring", tx)
			}
			must(t, tm.SetAlertStatus(ctx(), id, change))
			must(t, tx.EnqueueAudit(ctx(), []byte(`{"event":"alert"}`), t0))
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Update: %v", err)
		}
		if a, _ := m.Alert(ctx(), id); a.Status != monitor.StatusOpen || a.Version != 1 {
			t.Errorf("a rolled back dismissal left the alert %s at version %d", a.Status, a.Version)
		}
		must(t, s.Update(ctx(), func(tx store.Tx) error {
			if err := tx.(store.Monitoring).SetAlertStatus(ctx(), id, change); err != nil {
				return err
			}
			return tx.EnqueueAudit(ctx(), []byte(`{"event":"alert"}`), t0)
		}))
		a, err := m.Alert(ctx(), id)
		must(t, err)
		pending, err := s.PendingAudit(ctx(), 10)
		must(t, err)
		if a.Status != monitor.StatusDismissed || len(pending) != 1 {
			t.Errorf("after the committed dismissal: status %s, %d audit entries", a.Status, len(pending))
		}
	})
}
