package main

import "github.com/urfave/cli/v2"

// indexCommand is a placeholder until the index commands land.
func indexCommand() *cli.Command {
	return &cli.Command{Name: "index", Usage: "not yet available", Hidden: true}
}
