package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/screen-compliance/screen/engine"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/record"
)

// TestScreenWhileReloading screens over a real loopback connection from
// several clients while the lists are reloaded again and again, some reloads
// failing. No request may fail and every answer must be the right decision,
// made on one of the list versions.
func TestScreenWhileReloading(t *testing.T) {
	var loads atomic.Int64
	src := func(context.Context) ([]*entity.List, error) {
		n := loads.Add(1)
		if n > 1 && n%3 == 0 {
			return nil, errors.New("simulated list download failure")
		}
		l := testList()
		l.Meta.Version = fmt.Sprintf("v%d", n)
		return []*entity.List{l}, nil
	}
	eng, err := engine.New(context.Background(), engine.WithListSource(src))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	s := New(eng, Options{})
	ts := httptest.NewServer(s)
	defer ts.Close()

	const clients, perClient = 8, 40
	ctx, stop := context.WithCancel(context.Background())
	var reloads, failed atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			if err := s.Reload(ctx); err != nil {
				failed.Add(1)
			}
			reloads.Add(1)
		}
	}()
	var cw sync.WaitGroup
	errs := make(chan error, clients*perClient)
	for c := range clients {
		cw.Add(1)
		go func() {
			defer cw.Done()
			for i := range perClient {
				name, want := orgName, record.Block
				if (c+i)%2 == 1 {
					name, want = "Acme Widgets Limited", record.Clear
				}
				body := fmt.Sprintf(`{"id":"c%d-%d","parties":[{"name":%q}]}`, c, i, name)
				res, err := http.Post(ts.URL+"/v1/screen", ctJSON, bytes.NewBufferString(body))
				if err != nil {
					errs <- err
					continue
				}
				var d record.Decision
				err = json.NewDecoder(res.Body).Decode(&d)
				res.Body.Close()
				switch {
				case err != nil:
					errs <- err
				case res.StatusCode != 200:
					errs <- fmt.Errorf("status %d", res.StatusCode)
				case d.Decision != want:
					errs <- fmt.Errorf("%s: decision %q, want %q (%s)", d.ID, d.Decision, want, d.Error)
				case d.Provenance.Lists["test"] == "":
					errs <- fmt.Errorf("%s: no list version in provenance", d.ID)
				}
			}
		}()
	}
	cw.Wait()
	stop()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if reloads.Load() < 2 || failed.Load() == 0 {
		t.Logf("only %d reloads (%d failed) ran during the test", reloads.Load(), failed.Load())
	}
	// After failed reloads the server still serves the last good lists.
	if res := do(t, s, "GET", "/readyz", "", ""); res.StatusCode != 200 {
		t.Errorf("readyz after reloads: %d", res.StatusCode)
	}
	t.Logf("%d requests, %d reloads (%d failed)", clients*perClient, reloads.Load(), failed.Load())
}

// TestFailedReloadKeepsLists checks that a failed reload keeps the previous
// lists, is counted and is reported to the caller.
func TestFailedReloadKeepsLists(t *testing.T) {
	var fail atomic.Bool
	src := func(context.Context) ([]*entity.List, error) {
		if fail.Load() {
			return nil, errors.New("simulated failure")
		}
		return []*entity.List{testList()}, nil
	}
	eng, err := engine.New(context.Background(), engine.WithListSource(src))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	var logs bytes.Buffer
	s := New(eng, Options{Logger: newJSONLogger(&logs)})
	fail.Store(true)
	if err := s.Reload(context.Background()); err == nil {
		t.Fatal("Reload: no error")
	}
	d := decode[record.Decision](t, do(t, s, "POST", "/v1/screen", ctJSON, `{"parties":[{"name":"`+orgName+`"}]}`))
	if d.Decision != record.Block {
		t.Errorf("after a failed reload: decision %q", d.Decision)
	}
	if !bytes.Contains(logs.Bytes(), []byte(`"msg":"reload failed; keeping the previous lists and policies"`)) {
		t.Errorf("failed reload not logged: %s", logs.String())
	}
	metrics := string(mustRead(t, do(t, s, "GET", "/metrics", "", "")))
	if !bytes.Contains([]byte(metrics), []byte(`screen_reloads_total{result="error"} 1`)) {
		t.Error("failed reload not counted")
	}
}
