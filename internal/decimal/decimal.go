// Package decimal rounds scores and percentages to a fixed number of
// decimal places, the same way everywhere, so that reports are stable
// across platforms.
package decimal

import "math"

// Round rounds f to places decimal places, halves away from zero
// (Round(0.12345, 4) = 0.1235, Round(-0.12345, 4) = -0.1235).
func Round(f float64, places int) float64 {
	p := math.Pow10(places)
	return math.Round(f*p) / p
}
