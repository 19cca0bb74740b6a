package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeDBErrors: a --db that is not a PostgreSQL URL, or a database
// that cannot be reached, or job flags out of range stop serve with exit 2
// and say why, without printing the password.
func TestServeDBErrors(t *testing.T) {
	dir := t.TempDir()
	tok := filepath.Join(dir, "token")
	if err := os.WriteFile(tok, []byte("secret-token-123\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--db", "mysql://screen@localhost/screen"}, "--db: want a postgres:// or postgresql:// URL"},
		{[]string{"--db", "postgres://screen:s3cret-pw@127.0.0.1:1/screen?connect_timeout=2"}, "--db: web store postgres://screen:xxxxx@127.0.0.1:1/screen"},
		{[]string{"--job-chunk-size", "0"}, "--job-chunk-size 0: want at least 1"},
		{[]string{"--job-lease", "1ms"}, "--job-lease 1ms: want at least"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			logs, done := startServe(context.Background(), append([]string{"--store", dir, "--token-file", tok, "--addr", "127.0.0.1:0"}, tt.args...)...)
			select {
			case code := <-done:
				if code != exitFailure {
					t.Errorf("exit %d, want %d\n%s", code, exitFailure, logs.String())
				}
			case <-time.After(60 * time.Second):
				t.Fatal("serve did not fail")
			}
			if !strings.Contains(logs.String(), tt.want) {
				t.Errorf("the error does not say %q:\n%s", tt.want, logs.String())
			}
			if strings.Contains(logs.String(), "s3cret-pw") {
				t.Errorf("the logs show the password:\n%s", logs.String())
			}
		})
	}
}
