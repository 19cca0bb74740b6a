// Command screen screens shipments and counterparties against sanctions lists
// and the UN DPRK trade measures, and explains every decision.
//
// Exit codes: 0 nothing at or above --fail-on; 1 a record at or above it;
// 2 the run could not complete.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/engine"
)

// Exit codes.
const (
	exitOK       = 0
	exitFindings = 1
	exitFailure  = 2
)

// exitError carries an exit code out of a command action, so that main (not
// urfave/cli) exits and deferred cleanup runs.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

// failure marks err as "could not complete" (exit 2).
func failure(err error) error { return &exitError{code: exitFailure, err: err} }

// findings is the exit for "a record at or above --fail-on" (exit 1 or --exit-code).
func findings(code int) error { return &exitError{code: code} }

const helpExitCodes = `EXIT CODES:
   0  nothing at or above --fail-on (default: block)
   1  at least one record at or above --fail-on (or the value of --exit-code)
   2  the run could not complete: bad flags, unreadable input, list or policy errors`

func newApp(stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:    "screen",
		Usage:   "screen shipments and counterparties against sanctions lists and UN DPRK trade measures",
		Version: engine.Version,
		Description: "screen reads shipment or party files (CSV, TSV, XLSX, JSON, JSONL), matches every party against\n" +
			"sanctions lists, classifies goods by HS code and description into UN resolution categories, and lets\n" +
			"Rego policies decide clear / review / block, citing the list entry or resolution paragraph.\n\n" + helpExitCodes,
		Writer:    stdout,
		ErrWriter: stderr,
		// `screen help [COMMAND]` is the help command; --version is ours, so
		// that it prints exactly what `screen version` prints.
		HideVersion:          true,
		EnableBashCompletion: true,
		// Errors are mapped to exit codes in main, never by urfave/cli's os.Exit.
		ExitErrHandler: func(*cli.Context, error) {},
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "config", Aliases: []string{"c"}, Usage: "read flag defaults from `FILE` (default: ./screen.yaml when present)", EnvVars: []string{"SCREEN_CONFIG"}},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print no notices or warnings on stderr", EnvVars: []string{"SCREEN_QUIET"}},
			&cli.BoolFlag{Name: "no-color", Usage: "never colour output (also NO_COLOR)", EnvVars: []string{"NO_COLOR", "SCREEN_NO_COLOR"}},
			versionFlag(),
		},
		Action: appAction,
		Commands: withConfig([]*cli.Command{
			scanCommand(),
			monitorCommand(),
			rescreenCommand(),
			checkCommand(),
			parseCommand(),
			listsCommand(),
			indexCommand(),
			policyCommand(),
			graphCommand(),
			serveCommand(),
			mcpCommand(),
			usersCommand(),
			evalCommand(),
			versionCommand(),
			completionCommand(),
			manCommand(),
		}),
		CustomAppHelpTemplate: cli.AppHelpTemplate + "\n" + helpExitCodes + "\n",
	}
	return app
}

// appAction runs when no command is given: --version prints the version,
// no argument prints the help, anything else is an unknown command.
func appAction(c *cli.Context) error {
	if c.Bool("version") {
		fmt.Fprint(c.App.Writer, readBuildVersion())
		return nil
	}
	if c.NArg() > 0 {
		return failure(fmt.Errorf("unknown command %q (see `screen help`)", c.Args().First()))
	}
	return cli.ShowAppHelp(c)
}

// run runs the CLI and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	app := newApp(stdout, stderr)
	// The completion flag must stay last for urfave/cli to see it.
	complete := len(args) > 1 && args[len(args)-1] == completeFlag
	if complete {
		args = args[:len(args)-1]
	}
	args = interleaveFlags(app, args)
	if complete {
		args = append(args, completeFlag)
	}
	err := app.RunContext(ctx, args)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "screen: %v\n", ee.err)
		}
		return ee.code
	}
	// Flag parsing and usage errors from urfave/cli.
	fmt.Fprintf(stderr, "screen: %v\n", err)
	return exitFailure
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
