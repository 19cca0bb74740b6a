package logbuf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// sink records the writes it gets.
type sink struct {
	mu     sync.Mutex
	writes []string
	fail   error
}

func (s *sink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return 0, s.fail
	}
	s.writes = append(s.writes, string(p))
	return len(p), nil
}

func (s *sink) got() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.writes...)
}

func TestWriter(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lines []string
		flush bool
		want  []string
	}{
		{"held until flushed", []string{"a\n", "b\n"}, false, nil},
		{"flushed together", []string{"a\n", "b\n"}, true, []string{"a\nb\n"}},
		{"full buffer written first", []string{strings.Repeat("a", 300) + "\n", strings.Repeat("b", 300) + "\n"}, true,
			[]string{strings.Repeat("a", 300) + "\n", strings.Repeat("b", 300) + "\n"}},
		{"long line alone, after the lines before it", []string{"a\n", strings.Repeat("x", 600) + "\n", "b\n"}, true,
			[]string{"a\n", strings.Repeat("x", 600) + "\n", "b\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &sink{}
			b := New(s, 512, 0)
			for _, l := range tc.lines {
				if n, err := b.Write([]byte(l)); n != len(l) || err != nil {
					t.Fatalf("Write = %d, %v", n, err)
				}
			}
			if tc.flush {
				if err := b.Flush(); err != nil {
					t.Fatal(err)
				}
			}
			if got := s.got(); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("writes = %q, want %q", got, tc.want)
			}
			if err := b.Close(); err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(s.got(), ""); got != strings.Join(tc.lines, "") {
				t.Errorf("after Close: %q, want %q", got, strings.Join(tc.lines, ""))
			}
		})
	}
}

func TestWriterError(t *testing.T) {
	s := &sink{fail: errors.New("disk full")}
	b := New(s, 512, 0)
	if _, err := b.Write([]byte("a\n")); err != nil {
		t.Fatalf("Write before the first real write: %v", err)
	}
	if err := b.Flush(); err == nil {
		t.Fatal("Flush to a failing writer succeeded")
	}
	if _, err := b.Write([]byte("b\n")); err == nil {
		t.Fatal("Write after a failed write succeeded")
	}
}

func TestWriterInterval(t *testing.T) {
	s := &sink{}
	b := New(s, 1<<10, 5*time.Millisecond)
	defer b.Close()
	b.Write([]byte("a\n"))
	for deadline := time.Now().Add(10 * time.Second); len(s.got()) == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the line was not written by the periodic flush")
		}
	}
	if got := s.got(); len(got) != 1 || got[0] != "a\n" {
		t.Errorf("writes = %q", got)
	}
}

// TestWriterConcurrent writes lines from many goroutines: every line
// arrives whole, each goroutine's in its order (go test -race).
func TestWriterConcurrent(t *testing.T) {
	s := &sink{}
	b := New(s, 700, time.Millisecond)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				fmt.Fprintf(b, "g%d line %d %s\n", g, i, strings.Repeat("x", i%90))
			}
		}()
	}
	wg.Wait()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	next := map[string]int{}
	for _, l := range strings.Split(strings.TrimSuffix(strings.Join(s.got(), ""), "\n"), "\n") {
		var g string
		var i int
		var x string
		if _, err := fmt.Sscanf(l+" ", "%s line %d %s", &g, &i, &x); err != nil && i%90 != 0 {
			t.Fatalf("torn line %q: %v", l, err)
		}
		if i != next[g] || len(x) != i%90 {
			t.Fatalf("line %q out of order or torn (want %s line %d)", l, g, next[g])
		}
		next[g]++
	}
	for g := range 8 {
		if next[fmt.Sprintf("g%d", g)] != 500 {
			t.Errorf("g%d: %d lines", g, next[fmt.Sprintf("g%d", g)])
		}
	}
}

func TestHandler(t *testing.T) {
	var out bytes.Buffer
	b := New(&out, 4<<10, 0)
	access := func(r slog.Record) bool { return r.Message == "request" && r.Level == slog.LevelInfo }
	log := slog.New(Handler(slog.NewTextHandler(b, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}), b, access)).With("app", "screen")
	log.Info("request", "n", 1)
	log.Info("request", "n", 2)
	if out.Len() != 0 {
		t.Fatalf("access lines written at once: %q", out.String())
	}
	log.Warn("reload failed")
	want := "level=INFO msg=request app=screen n=1\nlevel=INFO msg=request app=screen n=2\nlevel=WARN msg=\"reload failed\" app=screen\n"
	if out.String() != want {
		t.Fatalf("after a warning:\n%s\nwant\n%s", out.String(), want)
	}
	log.WithGroup("g").Info("listening", "addr", "x")
	if !strings.HasSuffix(out.String(), "level=INFO msg=listening app=screen g.addr=x\n") {
		t.Errorf("a lifecycle line waits in the buffer: %q", out.String())
	}
	if !log.Handler().Enabled(context.Background(), slog.LevelInfo) || log.Handler().Enabled(context.Background(), slog.LevelDebug) {
		t.Error("Enabled is not the wrapped handler's")
	}
}
