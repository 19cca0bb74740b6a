package main

import "github.com/urfave/cli/v2"

// evalCommand is a placeholder until the eval commands land.
func evalCommand() *cli.Command {
	return &cli.Command{Name: "eval", Usage: "not yet available", Hidden: true}
}
