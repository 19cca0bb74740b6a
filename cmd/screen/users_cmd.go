package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"
	"gopkg.in/yaml.v3"

	"github.com/screen-compliance/screen/web"
)

// usersCommand manages the operators file of the review workspace.
func usersCommand() *cli.Command {
	return &cli.Command{
		Name:  "users",
		Usage: "manage the operators of the review workspace (users.yaml)",
		Subcommands: []*cli.Command{{
			Name:      "add",
			Usage:     "add or replace an operator; the password is read from stdin (bcrypt-hashed, never stored in clear)",
			ArgsUsage: "NAME",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "file", Value: "users.yaml", Usage: "operators `FILE`", EnvVars: []string{"SCREEN_WEB_USERS"}},
				&cli.StringFlag{Name: "role", Value: "reviewer", Usage: "`ROLE`: viewer, reviewer or admin"},
			},
			Action: usersAddAction,
		}},
	}
}

type usersFile struct {
	Users []userEntry `yaml:"users"`
}

type userEntry struct {
	Name           string `yaml:"name"`
	PasswordBcrypt string `yaml:"password_bcrypt"`
	Role           string `yaml:"role"`
}

func usersAddAction(c *cli.Context) error {
	name := strings.TrimSpace(c.Args().First())
	if name == "" || c.NArg() != 1 {
		return failure(errors.New("users add: give one operator NAME"))
	}
	role := c.String("role")
	switch role {
	case "viewer", "reviewer", "admin":
	default:
		return failure(fmt.Errorf("--role %q: want viewer, reviewer or admin", role))
	}
	pw, err := readPassword(c.App.Reader)
	if err != nil {
		return failure(err)
	}
	hash, err := web.HashPassword(pw)
	if err != nil {
		return failure(err)
	}
	path := c.String("file")
	var f usersFile
	if b, err := os.ReadFile(path); err == nil {
		if _, err := web.ParseUsers(path, b); err != nil {
			return failure(err)
		}
		if err := yaml.Unmarshal(b, &f); err != nil {
			return failure(fmt.Errorf("%s: %w", path, err))
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return failure(err)
	}
	replaced := false
	for i := range f.Users {
		if f.Users[i].Name == name {
			f.Users[i] = userEntry{Name: name, PasswordBcrypt: hash, Role: role}
			replaced = true
		}
	}
	if !replaced {
		f.Users = append(f.Users, userEntry{Name: name, PasswordBcrypt: hash, Role: role})
	}
	b, err := yaml.Marshal(&f)
	if err != nil {
		return failure(err)
	}
	// Never write a file that `screen serve` would refuse.
	if _, err := web.ParseUsers(path, b); err != nil {
		return failure(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return failure(err)
	}
	fmt.Fprintf(c.App.ErrWriter, "screen: operator %s (%s) written to %s\n", name, role, path)
	return nil
}

// readPassword reads one line from r.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", errors.New("users add: no password on stdin (echo 'secret' | screen users add NAME)")
	}
	return pw, nil
}
