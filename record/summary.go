package record

import "fmt"

// Summary counts decisions by outcome. It is the one summary of the
// project: the reports' "summary" (report.Summary is this type), the HTTP
// API's batch summary and the review workspace's counts per run.
type Summary struct {
	Clear  int `json:"clear"`
	Review int `json:"review"`
	Block  int `json:"block"`
	Error  int `json:"error"`
	// Total is the number of decisions counted. The HTTP API also writes
	// it as "records", the name it used first.
	Total int `json:"total"`
	// BaselineKnown counts the findings (reasons) already in a --baseline
	// report. They still count toward the decisions above; this says how
	// many of them are not new. Left out when there are none.
	BaselineKnown int `json:"baseline_known,omitempty"`
}

// Add counts one decision outcome. Unknown outcomes count as errors, as
// Severity ranks them.
func (s *Summary) Add(decision string) { s.AddN(decision, 1) }

// AddN counts n decisions of one outcome (n from a GROUP BY, say).
// Unknown outcomes count as errors.
func (s *Summary) AddN(decision string, n int) {
	s.Total += n
	switch decision {
	case Clear:
		s.Clear += n
	case Review:
		s.Review += n
	case Block:
		s.Block += n
	default:
		s.Error += n
	}
}

// AddDecision counts the outcome of d and its findings already in the
// baseline that no suppression took out.
func (s *Summary) AddDecision(d *Decision) {
	s.Add(d.Decision)
	for _, r := range d.Reasons {
		if r.Baseline == BaselineKnown && r.SuppressedBy == "" {
			s.BaselineKnown++
		}
	}
}

// Count returns the number of decisions of one outcome (clear, review,
// block or error), or 0 for another word.
func (s Summary) Count(decision string) int {
	switch decision {
	case Clear:
		return s.Clear
	case Review:
		return s.Review
	case Block:
		return s.Block
	case Error:
		return s.Error
	}
	return 0
}

// String renders the summary as one line: "5 records: 2 clear, 1 review, 1 block, 1 error",
// followed by the number of findings already in the baseline when there are any.
func (s Summary) String() string {
	noun := "records"
	if s.Total == 1 {
		noun = "record"
	}
	out := fmt.Sprintf("%d %s: %d clear, %d review, %d block, %d error", s.Total, noun, s.Clear, s.Review, s.Block, s.Error)
	if s.BaselineKnown > 0 {
		out += fmt.Sprintf("; %d finding(s) already in the baseline (baseline: known)", s.BaselineKnown)
	}
	return out
}
