// Package lists reads the official sanctions list formats (UN, OFAC, EU,
// UK, BIS, OpenSanctions FollowTheMoney, the project's own format) into the
// entity model of package entity, and holds the built-in sample list.
package lists

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/screen-compliance/screen/entity"
)

// Official reports whether a format is a published sanctions list (every
// format but the project's own JSON, YAML and CSV): such a list with no
// entities is a sign of a truncated or broken file.
func Official(format string) bool {
	f, ok := lookup(format)
	return ok && !f.own
}

// Formats returns the names of the supported list formats, sorted.
func Formats() []string {
	out := make([]string, len(registry))
	for i, f := range registry {
		out[i] = f.name
	}
	slices.Sort(out)
	return out
}

// FormatTitle says in one line what a format reads ("UN Security Council
// consolidated list XML"), or "" for an unknown format.
func FormatTitle(format string) string {
	if f, ok := lookup(format); ok {
		return f.title
	}
	return ""
}

// loadFile reads a single-file format from path, recording the file's
// digest in the list metadata.
func loadFile(ctx context.Context, path string, parse func(ctx context.Context, r io.Reader, name string) (*entity.List, error)) (*entity.List, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	l, err := parse(ctx, io.TeeReader(f, h), path)
	if err != nil {
		return nil, err
	}
	// Drain what the parser did not read so the digest covers the file.
	if _, err := io.Copy(h, f); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	l.Meta.Files = append([]entity.FileDigest{{Path: path, SHA256: hex.EncodeToString(h.Sum(nil))}}, l.Meta.Files...)
	if l.Meta.Version == "" {
		l.Meta.Version = "sha256:" + l.Meta.Files[0].SHA256[:12]
	}
	return l, nil
}

// Load reads one list file (or, for the OFAC CSV sets, the main file or the
// directory holding it) in the given format; format "" detects it from the
// file name and content. The list is validated before it is returned, and its
// metadata carries the version, the sha256 of every file read and the counts
// by kind.
func Load(ctx context.Context, path string, format string) (*entity.List, error) {
	if format == "" {
		f, err := DetectFormat(path)
		if err != nil {
			return nil, err
		}
		format = f
	}
	f, ok := lookup(format)
	if !ok {
		return nil, fmt.Errorf("load %s: unknown format %q (known: %s)", path, format, strings.Join(Formats(), ", "))
	}
	if fi, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	} else if fi.IsDir() && f.load == nil {
		return nil, fmt.Errorf("load %s: is a directory", path)
	}
	var l *entity.List
	var err error
	if f.load != nil {
		l, err = f.load(ctx, path)
	} else {
		l, err = loadFile(ctx, path, f.parse)
	}
	if err != nil {
		if strings.Contains(err.Error(), path) {
			return nil, err
		}
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	if err := l.Validate(); err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	l.Count()
	return l, nil
}

// Parse reads a single-stream list format from r; name is used in error
// messages and metadata. The OFAC CSV sets span several files: Parse reads
// their main file alone, Load reads the set.
func Parse(ctx context.Context, r io.Reader, format, name string) (*entity.List, error) {
	f, ok := lookup(format)
	if !ok {
		return nil, fmt.Errorf("parse %s: unknown format %q (known: %s)", name, format, strings.Join(Formats(), ", "))
	}
	l, err := f.parse(ctx, r, name)
	if err != nil {
		return nil, err
	}
	if err := l.Validate(); err != nil {
		return nil, fmt.Errorf("parse %s: %w", name, err)
	}
	l.Count()
	return l, nil
}

// ErrUnknownFormat is returned by DetectFormat when neither the name nor the
// content of a file identifies its format.
var ErrUnknownFormat = errors.New("unknown list format")

// DetectFormat guesses the format of a list file (or directory) from its name
// and its first few kilobytes.
func DetectFormat(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("detect format of %s: %w", path, err)
	}
	if fi.IsDir() {
		var mains []string
		for _, f := range registry {
			if f.dirMain == "" {
				continue
			}
			mains = append(mains, f.dirMain)
			for _, file := range []string{f.dirMain, strings.ToUpper(f.dirMain)} {
				if _, err := os.Stat(filepath.Join(path, file)); err == nil {
					return f.name, nil
				}
			}
		}
		return "", fmt.Errorf("detect format of %s: directory holds no %s: %w", path, strings.Join(mains, " or "), ErrUnknownFormat)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("detect format of %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, 8192)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("detect format of %s: %w", path, err)
	}
	if format := DetectFormatBytes(filepath.Base(path), head[:n]); format != "" {
		return format, nil
	}
	return "", fmt.Errorf("detect format of %s: %w (pass a format; known: %s)", path, ErrUnknownFormat, strings.Join(Formats(), ", "))
}

// DetectFormatBytes guesses a format from a file's base name and its first
// bytes; it returns "" when it cannot tell. A name that only one format
// uses (sdn.csv) decides first; then each format's own test, in registry
// order; content that starts with '<' is only ever an XML format.
func DetectFormatBytes(base string, head []byte) string {
	s := newSniff(base, head)
	for _, f := range registry {
		if slices.Contains(f.names, s.base) {
			return f.name
		}
	}
	for _, f := range registry {
		if f.detect == nil || (s.first == '<' && !f.xml) {
			continue
		}
		if f.detect(s) {
			return f.name
		}
	}
	return ""
}
