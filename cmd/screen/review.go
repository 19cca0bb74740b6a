package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/suppress"
)

// reviewFlags are the suppression, baseline and audit flags of scan and check.
func reviewFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "ignore-file", Usage: "suppressions `FILE` (default: ./.screenignore.yaml when present)", EnvVars: []string{"SCREEN_IGNORE_FILE"}},
		&cli.BoolFlag{Name: "show-suppressed", Usage: "list suppressed findings and why", EnvVars: []string{"SCREEN_SHOW_SUPPRESSED"}},
		&cli.StringFlag{Name: "baseline", Usage: "report only findings not in this previous json/jsonl `REPORT`", EnvVars: []string{"SCREEN_BASELINE"}},
		&cli.StringFlag{Name: "audit-log", Usage: "append one JSON line per record to `FILE`", EnvVars: []string{"SCREEN_AUDIT_LOG"}},
		&cli.StringFlag{Name: "operator", Usage: "operator or job `ID` for the audit log (default: from the CI environment or $USER)", EnvVars: []string{"SCREEN_OPERATOR"}},
		&cli.BoolFlag{Name: "deterministic", Usage: "pin run id and timestamps so reports are byte-identical across runs", EnvVars: []string{"SCREEN_DETERMINISTIC"}},
	}
}

// loadSuppressions reads --ignore-file, or ./.screenignore.yaml when present,
// and warns about expired entries.
func loadSuppressions(c *cli.Context, n *notices, now time.Time) (*suppress.File, error) {
	path := c.String("ignore-file")
	explicit := path != ""
	if !explicit {
		path = suppress.DefaultFile
	}
	f, err := suppress.Load(path)
	if err != nil {
		if !explicit && errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	for _, e := range f.Expired(now) {
		n.printf("%s:%d: suppression expired on %s and no longer applies (entity %s, rule %s, approved by %s)",
			f.Path, e.Line(), e.Expires, orDash(e.EntityID), orDash(e.Rule), e.ApprovedBy)
	}
	return f, nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// operatorID returns --operator, else a CI job id, else $USER.
func operatorID(c *cli.Context) string {
	if op := c.String("operator"); op != "" {
		return op
	}
	if os.Getenv("GITHUB_ACTIONS") == "true" {
		return fmt.Sprintf("github:%s/%s#%s", os.Getenv("GITHUB_REPOSITORY"), os.Getenv("GITHUB_WORKFLOW"), os.Getenv("GITHUB_RUN_ID"))
	}
	if id := os.Getenv("CI_JOB_ID"); id != "" {
		return "gitlab:" + os.Getenv("CI_PROJECT_PATH") + "#" + id
	}
	if u := os.Getenv("USER"); u != "" {
		return "user:" + u
	}
	return "unknown"
}

// fileSHA256 returns the hex sha256 of a regular file, or "" for stdin.
func fileSHA256(path string) (string, error) {
	if path == "-" {
		return "", nil
	}
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
