package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/web"
)

// usersAdd runs `screen users add ARGS...` with password on stdin.
func usersAdd(t *testing.T, password string, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	app := newApp(&out, &errb)
	app.Reader = strings.NewReader(password + "\n")
	err := app.RunContext(context.Background(), append([]string{"screen", "users", "add"}, args...))
	return errb.String(), err
}

func TestUsersAdd(t *testing.T) {
	file := filepath.Join(t.TempDir(), "users.yaml")
	if msg, err := usersAdd(t, "a long enough password", "--file", file, "--role", "admin", "adam"); err != nil {
		t.Fatalf("add adam: %v %s", err, msg)
	}
	us, err := web.LoadUsers(file)
	if err != nil || len(us) != 1 || us[0].Name != "adam" || us[0].Role != web.RoleAdmin {
		t.Fatalf("users file: %+v %v", us, err)
	}
	before, _ := os.ReadFile(file)
	// A name `screen serve` would refuse is refused here, and the file is
	// left as it was.
	if _, err := usersAdd(t, "a long enough password", "--file", file, "<script>"); err == nil {
		t.Error("an invalid operator name was written")
	}
	if after, _ := os.ReadFile(file); !bytes.Equal(before, after) {
		t.Error("a refused add changed the file")
	}
	if _, err := usersAdd(t, "short", "--file", file, "bob"); err == nil {
		t.Error("a short password was accepted")
	}
}
