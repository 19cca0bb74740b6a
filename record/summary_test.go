package record

import "testing"

func TestSummary(t *testing.T) {
	tests := []struct {
		name string
		add  func(*Summary)
		want Summary
		str  string
	}{
		{"empty", func(*Summary) {}, Summary{}, "0 records: 0 clear, 0 review, 0 block, 0 error"},
		{"one of each, unknown is error", func(s *Summary) {
			for _, d := range []string{Clear, Review, Block, Error, "bogus", ""} {
				s.Add(d)
			}
		}, Summary{Clear: 1, Review: 1, Block: 1, Error: 3, Total: 6}, "6 records: 1 clear, 1 review, 1 block, 3 error"},
		{"counts from a group by", func(s *Summary) {
			s.AddN(Block, 7)
			s.AddN(Clear, 5)
			s.AddN("unknown", 2)
		}, Summary{Clear: 5, Block: 7, Error: 2, Total: 14}, "14 records: 5 clear, 0 review, 7 block, 2 error"},
		{"baseline known, suppressed ones apart", func(s *Summary) {
			s.AddDecision(&Decision{Decision: Block, Reasons: []Reason{
				{Rule: "a", Baseline: BaselineKnown},
				{Rule: "b", Baseline: BaselineKnown, SuppressedBy: "x"},
				{Rule: "c"},
			}})
		}, Summary{Block: 1, Total: 1, BaselineKnown: 1}, "1 record: 0 clear, 0 review, 1 block, 0 error; 1 finding(s) already in the baseline (baseline: known)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var s Summary
			tc.add(&s)
			if s != tc.want {
				t.Errorf("summary %+v, want %+v", s, tc.want)
			}
			if got := s.String(); got != tc.str {
				t.Errorf("String() = %q, want %q", got, tc.str)
			}
			for _, d := range []string{Clear, Review, Block, Error} {
				if n := map[string]int{Clear: s.Clear, Review: s.Review, Block: s.Block, Error: s.Error}[d]; s.Count(d) != n {
					t.Errorf("Count(%s) = %d, want %d", d, s.Count(d), n)
				}
			}
			if s.Count("bogus") != 0 {
				t.Errorf("Count(bogus) = %d", s.Count("bogus"))
			}
		})
	}
}
