package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"
	"gopkg.in/yaml.v3"
)

// defaultConfigFile is read when it exists in the working directory and no
// -c/--config is given.
const defaultConfigFile = "screen.yaml"

// config is a screen.yaml file: flag names as keys. Top-level keys apply to
// every command; a section named after a command ("scan:", "lists import:")
// applies to that command and wins over the top level.
type configFile struct {
	path   string
	values map[string]any
}

func loadConfig(c *cli.Context) (*configFile, error) {
	path := c.String("config")
	explicit := path != ""
	if !explicit {
		path = defaultConfigFile
	}
	b, err := os.ReadFile(path)
	if err != nil {
		if !explicit && errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	var values map[string]any
	if err := yaml.Unmarshal(b, &values); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return &configFile{path: path, values: values}, nil
}

// applyConfig sets every flag of the running command that was set neither on
// the command line nor through its environment variable from the config
// file, giving flag > env > config > default.
func applyConfig(c *cli.Context) error {
	cfg, err := loadConfig(c)
	if err != nil {
		return failure(err)
	}
	if cfg == nil {
		return nil
	}
	section := map[string]any{}
	for k, v := range cfg.values {
		if _, isSection := v.(map[string]any); !isSection {
			section[k] = v
		}
	}
	if sub, ok := cfg.values[strings.TrimPrefix(c.Command.FullName(), "screen ")].(map[string]any); ok {
		for k, v := range sub {
			section[k] = v
		}
	}
	known := map[string]bool{}
	for _, f := range c.Command.Flags {
		for _, n := range f.Names() {
			known[n] = true
		}
	}
	keys := make([]string, 0, len(section))
	for k := range section {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !known[k] || c.IsSet(k) {
			continue
		}
		vals := []any{section[k]}
		if list, ok := section[k].([]any); ok {
			vals = list
		}
		for _, v := range vals {
			if err := c.Set(k, fmt.Sprint(v)); err != nil {
				return failure(fmt.Errorf("config %s: %s: %w", cfg.path, k, err))
			}
		}
	}
	return nil
}

// withConfig installs applyConfig as the Before hook of every command.
func withConfig(cmds []*cli.Command) []*cli.Command {
	for _, cmd := range cmds {
		if cmd.Before == nil {
			cmd.Before = applyConfig
		}
		withConfig(cmd.Subcommands)
	}
	return cmds
}
