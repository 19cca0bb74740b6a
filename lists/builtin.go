package lists

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed" // for the built-in list
	"encoding/hex"
	"fmt"

	"github.com/screen-compliance/screen/entity"
)

// builtinYAML is the built-in DPRK sample in the project's own YAML format.
//
//go:embed builtin/dprk-sample.yaml
var builtinYAML []byte

// BuiltinPath is the name under which the built-in list's file is reported
// in its metadata.
const BuiltinPath = "builtin:dprk-sample.yaml"

// Builtin returns the list embedded in the binary: a curated sample of UN
// Security Council 1718 Committee (DPRK) designations — the designated
// companies and banks, individuals with their dates of birth and passports —
// taken from the UN consolidated list, plus DPRK-flagged vessels designated
// by OFAC (the UN consolidated list carries no vessels). Entities keep their
// source ids ("un:KPe.001", "ofac:17069") and their source list name; the
// list itself is named "builtin". Each call returns a fresh copy.
func Builtin() (*entity.List, error) {
	l, err := ParseOwnYAML(context.Background(), bytes.NewReader(builtinYAML), BuiltinPath)
	if err != nil {
		return nil, fmt.Errorf("built-in list: %w", err)
	}
	if err := l.Validate(); err != nil {
		return nil, fmt.Errorf("built-in list: %w", err)
	}
	sum := sha256.Sum256(builtinYAML)
	l.Meta.Name = "builtin"
	l.Meta.Title = "Built-in DPRK sample (UN 1718 designations)"
	l.Meta.Builtin = true
	l.Meta.Files = []entity.FileDigest{{Path: BuiltinPath, SHA256: hex.EncodeToString(sum[:])}}
	l.Count()
	return l, nil
}
