package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/lists/store"
	"github.com/screen-compliance/screen/monitor/webhook"
	"github.com/screen-compliance/screen/server"
	"github.com/screen-compliance/screen/web"
)

// monitorServeFlags are serve's flags for ongoing monitoring.
func monitorServeFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "webhook-url", EnvVars: []string{"SCREEN_WEBHOOK_URL"},
			Usage: "POST every new monitoring alert to `URL`, signed with HMAC-SHA256 (header Screen-Signature: t=UNIXTIME,v1=HEX), retried with back-off"},
		&cli.StringFlag{Name: "webhook-secret-file", EnvVars: []string{"SCREEN_WEBHOOK_SECRET_FILE"},
			Usage: "the webhook signing secret, read from `FILE` (required with --webhook-url)"},
	}
}

// serveMonitoring turns on the server's monitoring of portfolios: kept in
// the review workspace's database when the workspace runs (app not nil)
// and keeps them, else where `screen monitor` keeps them
// (openMonitorStore); runs read the list store's
// change log when the lists come from it; new alerts go to --webhook-url. It
// starts a run of every portfolio (catching up with the list changes made
// while no server ran) and returns the function that stops the webhook
// sender and closes the store.
func serveMonitoring(ctx context.Context, c *cli.Context, srv *server.Server, app *web.App, logger *slog.Logger) (func(), error) {
	m := &server.Monitoring{Workers: c.Int("workers"), Logger: logger}
	_, fromStore, err := listSource(c, &notices{w: io.Discard, quiet: true})
	if err != nil {
		return nil, err
	}
	dir, err := storeDir(c)
	if err != nil {
		return nil, err
	}
	ls, err := store.Open(dir, storeOptions(c)...)
	if err != nil {
		return nil, fmt.Errorf("monitoring: %w", err)
	}
	if fromStore {
		m.Changes = ls
	}
	closeStore := func() {}
	if app != nil {
		if ms := app.Monitoring(); ms != nil {
			m.Store = ms
		}
	}
	if m.Store == nil {
		if m.Store, _, closeStore, err = openMonitorStore(c); err != nil {
			return nil, fmt.Errorf("monitoring: %w", err)
		}
	}
	stop := func() {}
	if url := c.String("webhook-url"); url != "" {
		secret, err := readSecret(c.String("webhook-secret-file"))
		if err != nil {
			return nil, err
		}
		sender, err := webhook.New(m.Store, webhook.Options{URL: url, Secret: secret, Logger: logger})
		if err != nil {
			return nil, err
		}
		sender.Start(context.WithoutCancel(ctx))
		m.Webhook, stop = sender, sender.Close
	}
	stopAll := func() {
		stop()
		closeStore()
	}
	srv.SetMonitoring(m)
	go func() {
		if err := srv.RunMonitoring(ctx); err != nil {
			logger.Error("monitoring at start", "err", err.Error())
		}
	}()
	return stopAll, nil
}

// readSecret reads the webhook secret file: the whole file, surrounding
// whitespace trimmed, at least 16 bytes.
func readSecret(path string) ([]byte, error) {
	if path == "" {
		return nil, fmt.Errorf("--webhook-url needs --webhook-secret-file FILE (the signing secret shared with the receiver)")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--webhook-secret-file: %w", err)
	}
	s := strings.TrimSpace(string(b))
	if len(s) < 16 {
		return nil, fmt.Errorf("--webhook-secret-file %s: the secret must be at least 16 bytes", path)
	}
	return []byte(s), nil
}
