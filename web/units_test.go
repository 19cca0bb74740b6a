package web

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/screen-compliance/screen/suppress"
)

func TestHashPasswordAndParseUsers(t *testing.T) {
	if _, err := HashPassword("short"); err == nil {
		t.Error("short password accepted")
	}
	h, err := HashPassword("a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	good := "users:\n  - name: alice\n    password_bcrypt: " + h + "\n    role: admin\n  - name: bob\n    password_bcrypt: " + h + "\n"
	us, err := ParseUsers("users.yaml", []byte(good))
	if err != nil || len(us) != 2 || us[1].Role != RoleReviewer {
		t.Fatalf("ParseUsers: %+v %v", us, err)
	}
	for name, tc := range map[string]struct{ in, msg string }{
		"bad hash":  {"users:\n  - name: a\n    password_bcrypt: plain\n", "entry 1 (a): field password_bcrypt"},
		"bad role":  {"users:\n  - name: a\n    password_bcrypt: " + h + "\n    role: god\n", `field role "god"`},
		"bad name":  {"users:\n  - name: '<x>'\n    password_bcrypt: " + h + "\n", "field name"},
		"duplicate": {"users:\n  - name: a\n    password_bcrypt: " + h + "\n  - name: a\n    password_bcrypt: " + h + "\n", "listed twice"},
		"unknown":   {"users:\n  - name: a\n    password: x\n", "field password not found"},
		"no users":  {"users: []\n", "no users"},
	} {
		_, err := ParseUsers("users.yaml", []byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: got %v, want %q", name, err, tc.msg)
		}
	}
}

func TestAppendSuppressionsKeepsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".screenignore.yaml")
	orig := "# approved by compliance\nsuppressions:\n  - entity_id: un:KPe.001\n    reason: old\n    approved_by: carol # signed\n"
	if err := os.WriteFile(path, []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	add := []suppress.Entry{{EntityID: "un:KPe.002", Party: "Acme <Ltd>", Reason: "namesake", ApprovedBy: "alice", Expires: "2099-01-31"}}
	if err := appendSuppressions(&mu, path, add); err != nil {
		t.Fatal(err)
	}
	f, err := suppress.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Suppressions) != 2 || f.Suppressions[0].ApprovedBy != "carol" || f.Suppressions[1].Party != "Acme <Ltd>" {
		t.Fatalf("entries: %+v", f.Suppressions)
	}
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), "# approved by compliance") || !strings.Contains(string(b), "# signed") {
		t.Errorf("comments lost:\n%s", b)
	}
	// A new file is created; a file that is not a suppression file is refused.
	fresh := filepath.Join(t.TempDir(), "new.yaml")
	if err := appendSuppressions(&mu, fresh, add); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("- a\n- b\n"), 0o644)
	if err := appendSuppressions(&mu, bad, add); err == nil {
		t.Error("a list document was accepted")
	}
}

func TestCleanFileName(t *testing.T) {
	for in, want := range map[string]string{
		"shipments.csv":             "shipments.csv",
		"../../etc/passwd":          "passwd",
		`C:\Users\x\Q3 orders.xlsx`: "Q3 orders.xlsx",
		"..":                        "upload",
		"/":                         "upload",
		"a\x00b<script>.csv":        "a_b_script_.csv",
		".hidden.csv":               "hidden.csv",
		// A 100+ character extension made the cut panic (found by FuzzCleanFileName).
		"orders." + strings.Repeat("x", 120):                     "orders." + strings.Repeat("x", 93),
		strings.Repeat("a", 150) + ".csv":                        strings.Repeat("a", 96) + ".csv",
		strings.Repeat("é", 99) + "." + strings.Repeat("é", 110): strings.Repeat("é", 99) + ".",
	} {
		if got := cleanFileName(in); got != want {
			t.Errorf("cleanFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAlignedPairsAndHighlight(t *testing.T) {
	ps := alignedPairs(`"Korea Mining Dev."~"KOREA MINING DEVELOPMENT": korea~korea(1.00) mining~mining(1.00) dev~development(0.85); country +0.03 (KP)`)
	if len(ps) != 3 || ps[2].Listed != "development" || ps[2].Sim != 0.85 {
		t.Fatalf("pairs: %+v", ps)
	}
	segs := highlight("KOREA  Mining x", map[string]float64{"korea": 1, "mining": 0.8})
	var classes []string
	for _, s := range segs {
		classes = append(classes, s.Class)
	}
	if got := strings.Join(classes, ","); got != "hl-strong,,,hl-weak,," {
		t.Errorf("classes %q", got)
	}
	if alignedPairs("kind mismatch: query person, entity vessel") != nil {
		t.Error("pairs from a non-alignment explanation")
	}
}

func FuzzParseUsers(f *testing.F) {
	f.Add([]byte("users:\n  - name: alice\n    password_bcrypt: $2a$04$abcdefghijklmnopqrstuu5Q9Yl1K6d7b5mCZ1dI6m3Wq1y2y3y4y\n"))
	f.Add([]byte("users: []"))
	f.Add([]byte("{"))
	f.Fuzz(func(t *testing.T, b []byte) {
		us, err := ParseUsers("f.yaml", b)
		if err == nil && len(us) == 0 {
			t.Error("no error and no users")
		}
	})
}

func FuzzExplanation(f *testing.F) {
	f.Add(`"a b"~"A B": a~a(1.00) b~b(0.90); dob +0.10 (1960)`, "A  B c")
	f.Add(`"\"x"~"y"`, "<script>")
	f.Fuzz(func(t *testing.T, expl, name string) {
		toks := map[string]float64{}
		for _, p := range alignedPairs(expl) {
			toks[p.Listed] = p.Sim
		}
		var sb strings.Builder
		for _, s := range highlight(name, toks) {
			sb.WriteString(s.Text)
		}
		if sb.String() != name {
			t.Errorf("highlight changed the text: %q → %q", name, sb.String())
		}
	})
}

func FuzzCleanFileName(f *testing.F) {
	for _, s := range []string{"a.csv", "../x", `..\..\y.xlsx`, "\x00", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := cleanFileName(s)
		if got == "" || strings.ContainsAny(got, `/\`) || strings.HasPrefix(got, ".") || len([]rune(got)) > 100 {
			t.Errorf("cleanFileName(%q) = %q", s, got)
		}
	})
}
