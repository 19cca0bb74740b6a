package names

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/xrash/smetrics"
)

// osaRef is the dynamic-programming distance osa falls back to, without
// a limit.
func osaRef(a, b string) int {
	if len(a) < len(b) {
		a, b = b, a
	}
	return osaRows(a, b, make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1), len(a)+len(b))
}

func TestOSABits(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 300000; n++ {
		alpha := "abcdefghijklmnopqrstuvwxyz0123456789"[:1+r.IntN(36)]
		if n%3 == 0 {
			alpha = alpha[:min(len(alpha), 3)]
		}
		mk := func() string {
			l := r.IntN(14)
			if n%50 == 0 {
				l = r.IntN(70)
			}
			b := make([]byte, l)
			for i := range b {
				b[i] = alpha[r.IntN(len(alpha))]
			}
			return string(b)
		}
		a, b := mk(), mk()
		if n%4 == 0 && len(a) > 1 {
			// near variants: swap, delete, double a letter
			bb := []byte(a)
			i := r.IntN(len(bb) - 1)
			switch r.IntN(3) {
			case 0:
				bb[i], bb[i+1] = bb[i+1], bb[i]
			case 1:
				bb = append(bb[:i], bb[i+1:]...)
			case 2:
				bb = append(bb[:i+1], bb[i:]...)
			}
			b = string(bb)
		}
		want := osaRef(a, b)
		for limit := 0; limit <= 6; limit++ {
			got := osa(a, b, limit)
			if (want <= limit && got != want) || (want > limit && got <= limit) {
				t.Fatalf("osa(%q, %q, %d) = %d, want %d", a, b, limit, got, want)
			}
		}
		if d, ok := osaBits(a, b); ok && len(b) <= 64 && d != want {
			t.Fatalf("osaBits(%q, %q) = %d, want %d", a, b, d, want)
		}
	}
}

func TestJaroWinkler(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for n := 0; n < 300000; n++ {
		alpha := "abcdefghijklmnopqrstuvwxyz"[:1+r.IntN(26)]
		mk := func() string {
			l := r.IntN(16)
			if n%100 == 0 {
				l = r.IntN(80)
			}
			b := make([]byte, l)
			for i := range b {
				b[i] = alpha[r.IntN(len(alpha))]
			}
			return string(b)
		}
		a, b := mk(), mk()
		if n%3 == 0 && len(a) > 2 {
			bb := []byte(a)
			i := r.IntN(len(bb) - 1)
			bb[i], bb[i+1] = bb[i+1], bb[i]
			b = string(bb)
		}
		if got, want := jaroWinkler(a, b), smetrics.JaroWinkler(a, b, 0.7, 4); math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("jaroWinkler(%q, %q) = %v, want %v", a, b, got, want)
		}
	}
}
