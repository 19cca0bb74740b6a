package report

import (
	"bytes"
	"fmt"
	"io"
	"time"

	json "github.com/goccy/go-json"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/record"
)

// marshalDecision encodes d as its record.Decision JSON, with empty
// reasons, matches and goods written as [] rather than null, goods
// categories that no reason used marked "context": true (MarkContext), and
// without HTML escaping. indent is the prefix of continuation lines; "" gives a
// single line.
func marshalDecision(d *record.Decision, prefix string) ([]byte, error) {
	c := decisionJSON(d)
	var b []byte
	var err error
	if prefix == "" {
		b, err = json.MarshalWithOption(c, json.DisableHTMLEscape())
	} else {
		b, err = json.MarshalIndentWithOption(c, prefix, "  ", json.DisableHTMLEscape())
	}
	if err != nil {
		return nil, fmt.Errorf("encode decision %s: %w", displayID(d), err)
	}
	return b, nil
}

// decisionJSON returns the copy of d that marshalDecision encodes.
func decisionJSON(d *record.Decision) *record.Decision {
	c := withContext(d) // a copy
	c.FillEmptyLists()
	return c
}

// jsonlWriter writes one decision JSON per line.
type jsonlWriter struct {
	w      io.Writer
	closed bool
	// line holds the line being written; enc encodes into it
	line bytes.Buffer
	enc  *json.Encoder
}

func newJSONL(w io.Writer) *jsonlWriter {
	j := &jsonlWriter{w: w}
	j.enc = json.NewEncoder(&j.line)
	j.enc.SetEscapeHTML(false)
	return j
}

// Write writes d as one line: marshalDecision's JSON and a newline.
func (j *jsonlWriter) Write(d *record.Decision) error {
	if j.closed {
		return errClosed
	}
	j.line.Reset()
	if err := j.enc.Encode(decisionJSON(d)); err != nil {
		return fmt.Errorf("encode decision %s: %w", displayID(d), err)
	}
	if _, err := j.w.Write(j.line.Bytes()); err != nil {
		return fmt.Errorf("write jsonl: %w", err)
	}
	return nil
}

// Close does nothing more: every line is complete when written.
func (j *jsonlWriter) Close() error {
	j.closed = true
	return nil
}

// envelopeHead is the part of the JSON envelope written before the results.
type envelopeHead struct {
	SchemaVersion string            `json:"schema_version"`
	RunID         string            `json:"run_id"`
	CreatedAt     string            `json:"created_at"`
	Tool          string            `json:"tool"`
	Lists         []entity.Metadata `json:"lists"`
	PolicySHA256  string            `json:"policy_sha256"`
	Inputs        []string          `json:"inputs"`
	Flags         []string          `json:"flags"`
}

// jsonWriter writes the versioned envelope:
//
//	{"schema_version", "run_id", "created_at", "tool", "lists", "policy_sha256",
//	 "inputs", "flags", "results": [Decision...], "summary": {...}}
//
// Results are written as they come; the summary follows them because it is
// known only at the end, and the hooks' extra members follow the summary.
type jsonWriter struct {
	out     errWriter
	info    RunInfo
	hooks   Hooks
	sum     Summary
	started bool
	n       int
	closed  bool
}

func newJSON(w io.Writer, info RunInfo, hooks Hooks) *jsonWriter {
	return &jsonWriter{out: errWriter{w: w}, info: info, hooks: hooks}
}

// head writes the envelope up to the opening of the results array.
func (j *jsonWriter) head() {
	if j.started {
		return
	}
	j.started = true
	h := envelopeHead{
		SchemaVersion: j.info.SchemaVersion,
		RunID:         j.info.RunID,
		Tool:          j.info.Tool,
		Lists:         j.info.Lists,
		PolicySHA256:  j.info.PolicySHA256,
		Inputs:        j.info.Inputs,
		Flags:         j.info.Flags,
	}
	if h.SchemaVersion == "" {
		h.SchemaVersion = "1"
	}
	if !j.info.CreatedAt.IsZero() {
		h.CreatedAt = j.info.CreatedAt.UTC().Format(time.RFC3339Nano)
	}
	if h.Lists == nil {
		h.Lists = []entity.Metadata{}
	}
	if h.Inputs == nil {
		h.Inputs = []string{}
	}
	if h.Flags == nil {
		h.Flags = []string{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&h); err != nil {
		j.out.err = fmt.Errorf("encode run info: %w", err)
		return
	}
	// Reopen the object: drop the closing "}\n" and continue with results.
	b := bytes.TrimRight(buf.Bytes(), "\n")
	b = bytes.TrimSuffix(b, []byte("}"))
	b = bytes.TrimRight(b, "\n")
	j.out.write(string(b) + ",\n  \"results\": [")
}

// Write appends d to the results array.
func (j *jsonWriter) Write(d *record.Decision) error {
	if j.closed {
		return errClosed
	}
	j.head()
	b, err := marshalDecision(d, "    ")
	if err != nil {
		return err
	}
	sep := ",\n    "
	if j.n == 0 {
		sep = "\n    "
	}
	j.n++
	j.sum.AddDecision(d)
	j.out.write(sep)
	j.out.write(string(b))
	if err := j.out.flush(); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// Close closes the results array and writes the summary and the extra
// members.
func (j *jsonWriter) Close() error {
	if j.closed {
		return nil
	}
	j.closed = true
	j.head()
	if j.n > 0 {
		j.out.write("\n  ")
	}
	sum, err := json.MarshalIndent(j.sum, "  ", "  ")
	if err != nil {
		return fmt.Errorf("encode summary: %w", err)
	}
	j.out.write("],\n  \"summary\": " + string(sum))
	if err := j.members(); err != nil {
		return err
	}
	j.out.write("\n}\n")
	if err := j.out.flush(); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// members writes the hooks' extra members of the envelope.
func (j *jsonWriter) members() error {
	if j.hooks.Members == nil {
		return nil
	}
	ms, err := j.hooks.Members()
	if err != nil {
		return fmt.Errorf("json envelope members: %w", err)
	}
	for _, m := range ms {
		if envelopeMembers[m.Name] {
			return fmt.Errorf("json envelope member %q: the envelope has its own", m.Name)
		}
		b, err := json.MarshalIndent(m.Value, "  ", "  ")
		if err != nil {
			return fmt.Errorf("encode json envelope member %q: %w", m.Name, err)
		}
		j.out.write(fmt.Sprintf(",\n  %q: %s", m.Name, b))
	}
	return nil
}

// envelopeMembers are the members of the JSON envelope.
var envelopeMembers = map[string]bool{
	"schema_version": true, "run_id": true, "created_at": true, "tool": true, "lists": true, "policy_sha256": true,
	"inputs": true, "flags": true, "results": true, "summary": true,
}
