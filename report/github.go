package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/screen-compliance/screen/record"
)

// githubWriter writes GitHub Actions workflow commands: one annotation per
// reason (::error for block and error, ::warning for review, ::notice
// otherwise) pointing at the input file and line, and a ::notice with the
// summary on Close. Untrusted text is escaped so that it cannot end the
// command or start a new one.
type githubWriter struct {
	out    errWriter
	opts   Options
	sum    Summary
	data   *strings.Replacer // escapes a command's message
	prop   *strings.Replacer // escapes a command's property values
	closed bool
}

func newGitHub(w io.Writer, opts Options) *githubWriter {
	return &githubWriter{
		out:  errWriter{w: w},
		opts: opts,
		data: strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A"),
		prop: strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C"),
	}
}

// Write writes the annotations of d.
func (g *githubWriter) Write(d *record.Decision) error {
	if g.closed {
		return errClosed
	}
	g.sum.AddDecision(d)
	if d.Decision == record.Error || d.Error != "" {
		msg := d.Error
		if msg == "" {
			msg = "the record could not be screened"
		}
		g.annotate("error", d, "screen: "+displayID(d)+" could not be screened", msg)
	}
	for _, r := range visibleReasons(d, g.opts.ShowSuppressed) {
		title := r.Rule
		if r.Title != "" {
			title += ": " + r.Title
		}
		msg := displayID(d) + ": " + r.Message
		if r.Citation != "" {
			msg += " (" + r.Citation + ")"
		}
		if r.Baseline == record.BaselineKnown {
			msg += " [baseline: known]"
		}
		cmd := githubLevel(r.Severity)
		if r.SuppressedBy != "" {
			cmd = "notice"
			msg += " [suppressed: " + r.SuppressedBy + "]"
		}
		g.annotate(cmd, d, title, msg)
	}
	g.githubAlerts(d)
	if err := g.out.flush(); err != nil {
		return fmt.Errorf("write github annotations: %w", err)
	}
	return nil
}

// githubLevel maps a severity to a workflow command.
func githubLevel(severity string) string {
	switch severity {
	case record.Review:
		return "warning"
	case record.Clear:
		return "notice"
	}
	return "error" // block, error and unknown severities
}

// annotate writes one workflow command for d.
func (g *githubWriter) annotate(cmd string, d *record.Decision, title, msg string) {
	var props []string
	if d.Source != "" && d.Source != "-" {
		props = append(props, "file="+g.prop.Replace(d.Source))
		if d.Row > 0 {
			props = append(props, "line="+strconv.Itoa(d.Row+1))
		}
	}
	props = append(props, "title="+g.prop.Replace(title))
	g.out.write("::" + cmd + " " + strings.Join(props, ",") + "::" + g.data.Replace(msg) + "\n")
}

// Close writes the summary notice.
func (g *githubWriter) Close() error {
	if g.closed {
		return nil
	}
	g.closed = true
	g.out.write("::notice title=screen summary::" + g.data.Replace(g.sum.String()) + "\n")
	if err := g.out.flush(); err != nil {
		return fmt.Errorf("write github annotations: %w", err)
	}
	return nil
}
