package main

import (
	"fmt"
	"runtime"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/engine"
)

func versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the version",
		Action: func(c *cli.Context) error {
			fmt.Fprintf(c.App.Writer, "screen %s (%s)\n", engine.Version, runtime.Version())
			return nil
		},
	}
}
