package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/screen-compliance/screen/engine"
)

// buildVersion describes the running binary: the engine version, and what
// the Go toolchain recorded in the build information.
type buildVersion struct {
	// Engine is engine.Version, the version in decision provenance.
	Engine string
	// Module and ModuleVersion name the main module and its version:
	// "v1.2.3" for `go install …@v1.2.3`, "(devel)" for a build from a
	// checkout.
	Module, ModuleVersion string
	// Revision and Time are the VCS commit and its time, and Modified says
	// whether the working tree had uncommitted changes ("" when the build
	// recorded no VCS information, e.g. -buildvcs=false).
	Revision, Time string
	Modified       bool
	// Go is the toolchain version and Platform GOOS/GOARCH.
	Go, Platform string
}

// readBuildVersion reads the build information of the running binary.
func readBuildVersion() buildVersion {
	bi, _ := debug.ReadBuildInfo()
	return newBuildVersion(bi)
}

// newBuildVersion describes a binary from its build information (nil when
// the binary has none).
func newBuildVersion(bi *debug.BuildInfo) buildVersion {
	v := buildVersion{Engine: engine.Version, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi == nil {
		return v
	}
	v.Module, v.ModuleVersion = bi.Main.Path, bi.Main.Version
	if bi.GoVersion != "" {
		v.Go = bi.GoVersion
	}
	goos, goarch := runtime.GOOS, runtime.GOARCH
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		case "GOOS":
			goos = s.Value
		case "GOARCH":
			goarch = s.Value
		}
	}
	v.Platform = goos + "/" + goarch
	return v
}

// String renders the version the way `screen version` and `screen
// --version` print it.
func (v buildVersion) String() string {
	orUnknown := func(s, why string) string {
		if s == "" {
			return "unknown (" + why + ")"
		}
		return s
	}
	module := orUnknown(v.Module, "no build information")
	if v.ModuleVersion != "" {
		module += " " + v.ModuleVersion
	}
	rev := orUnknown(v.Revision, "built without VCS information")
	if v.Modified {
		rev += " (modified)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "screen %s\n", v.Engine)
	fmt.Fprintf(&b, "module:    %s\n", module)
	fmt.Fprintf(&b, "revision:  %s\n", rev)
	fmt.Fprintf(&b, "vcs time:  %s\n", orUnknown(v.Time, "built without VCS information"))
	fmt.Fprintf(&b, "go:        %s %s\n", v.Go, v.Platform)
	return b.String()
}

// versionFlag is the global --version flag; it prints what `screen version`
// prints.
func versionFlag() cli.Flag {
	return &cli.BoolFlag{Name: "version", Aliases: []string{"v"}, Usage: "print the version (as `screen version`) and exit"}
}

func versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the version: engine, module version, VCS revision and commit time, Go toolchain",
		Description: "The module version, VCS revision and commit time come from the build information the Go toolchain\n" +
			"records (runtime/debug.ReadBuildInfo); a build with -buildvcs=false has no revision.",
		Action: func(c *cli.Context) error {
			fmt.Fprint(c.App.Writer, readBuildVersion())
			return nil
		},
	}
}
