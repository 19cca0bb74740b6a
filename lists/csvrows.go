package lists

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// csvRows passes the rows of a CSV list file to fn with their line numbers,
// checking ctx every 1,024 rows and skipping blank lines (and a DOS
// end-of-file byte). Read errors are wrapped with the file name; errors from
// fn are returned as they are.
func csvRows(ctx context.Context, cr *csv.Reader, name string, fn func(line int, rec []string) error) error {
	for n := 0; ; n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("parse %s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.Trim(rec[0], "\x1a \t\r\n") == "" {
			continue
		}
		if err := fn(line, rec); err != nil {
			return err
		}
	}
}

// csvWidthError reports a row whose field count differs from the header's.
func csvWidthError(name string, line, got, want int) error {
	return fmt.Errorf("parse %s: line %d: %d fields, want %d as in the header", name, line, got, want)
}
