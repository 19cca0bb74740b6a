package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// interleaveFlags moves flags that follow positional arguments in front of
// them, so `screen scan FILE -f json` works like `screen scan -f json FILE`
// (urfave/cli stops parsing flags at the first positional argument).
// Arguments after "--" are left alone.
func interleaveFlags(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	out := []string{args[0]}
	rest := args[1:]
	// Global flags come first; find the command.
	cmds := app.Commands
	var cmd *cli.Command
	for len(rest) > 0 {
		a := rest[0]
		if strings.HasPrefix(a, "-") {
			out = append(out, a)
			rest = rest[1:]
			if takesValue(app.Flags, a) && !strings.Contains(a, "=") && len(rest) > 0 {
				out = append(out, rest[0])
				rest = rest[1:]
			}
			continue
		}
		next := findCommand(cmds, a)
		if next == nil {
			break
		}
		out = append(out, a)
		rest = rest[1:]
		cmd = next
		cmds = next.Subcommands
		if len(cmds) == 0 {
			break
		}
	}
	if cmd == nil {
		return append(out, rest...)
	}
	var global, flags, positional []string
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if a == "--" {
			positional = append(positional, rest[i:]...)
			break
		}
		if strings.HasPrefix(a, "-") && a != "-" && !definesFlag(cmd.Flags, a) && definesFlag(app.Flags, a) {
			global = append(global, a)
			if takesValue(app.Flags, a) && !strings.Contains(a, "=") && i+1 < len(rest) {
				global = append(global, rest[i+1])
				i++
			}
			continue
		}
		if strings.HasPrefix(a, "-") && a != "-" {
			flags = append(flags, a)
			if takesValue(cmd.Flags, a) && !strings.Contains(a, "=") && i+1 < len(rest) {
				flags = append(flags, rest[i+1])
				i++
			}
			continue
		}
		positional = append(positional, a)
	}
	out = append(out, flags...)
	out = append(out, positional...)
	if len(global) > 0 {
		// Global flags go right after the program name.
		out = append(append([]string{out[0]}, global...), out[1:]...)
	}
	return out
}

// definesFlag reports whether flags has the flag named by arg.
func definesFlag(flags []cli.Flag, arg string) bool {
	name, _, _ := strings.Cut(strings.TrimLeft(arg, "-"), "=")
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				return true
			}
		}
	}
	return false
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}

// takesValue reports whether the flag named by arg ("-f", "--format") needs
// a value argument.
func takesValue(flags []cli.Flag, arg string) bool {
	name, _, _ := strings.Cut(strings.TrimLeft(arg, "-"), "=")
	for _, f := range flags {
		for _, n := range f.Names() {
			if n != name {
				continue
			}
			if _, isBool := f.(*cli.BoolFlag); isBool {
				return false
			}
			return true
		}
	}
	return false
}
