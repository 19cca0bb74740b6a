package ftm

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
)

// Limits of ScanLines.
const (
	// MaxLineBytes is the longest line ScanLines reads: one entity with
	// its nested entities (targets.nested.json).
	MaxLineBytes = 64 << 20
	// ctxEvery is how many lines ScanLines reads between checks of its
	// context.
	ctxEvery = 1024
)

// ScanLines reads FollowTheMoney entities written one JSON object per line
// (entities.ftm.json, targets.nested.json), decoding each into a new T and
// handing it to fn with its 1-based line number. Blank lines are skipped;
// ctx is checked every 1,024 lines. A line that is not a JSON object of T,
// or longer than MaxLineBytes, is an error "parse NAME: line N: ..."; errors
// from fn are returned as they are.
func ScanLines[T any](ctx context.Context, r io.Reader, name string, fn func(line int, v *T) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLineBytes)
	line := 0
	for sc.Scan() {
		line++
		if line%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		v := new(T)
		if err := json.Unmarshal(b, v); err != nil {
			return fmt.Errorf("parse %s: line %d: %w", name, line, err)
		}
		if err := fn(line, v); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("parse %s: line %d: %w", name, line+1, err)
	}
	return nil
}
