package decimal

import "testing"

func TestRound(t *testing.T) {
	for _, tc := range []struct {
		f      float64
		places int
		want   float64
	}{
		{0.12345, 4, 0.1235}, {-0.12345, 4, -0.1235}, {0.9999, 2, 1}, {-0.125, 2, -0.13},
		{55.555, 2, 55.56}, {-0.15, 4, -0.15}, {1, 4, 1}, {0, 4, 0},
	} {
		if got := Round(tc.f, tc.places); got != tc.want {
			t.Errorf("Round(%v, %d) = %v, want %v", tc.f, tc.places, got, tc.want)
		}
	}
}
