package eval

import (
	"fmt"
	"hash/fnv"
)

// Half names one half of a split evaluation set.
type Half string

// The halves of an evaluation set. Thresholds and matching rules may be
// tuned on HalfTuning; HalfHeldOut is only ever measured.
const (
	HalfTuning  Half = "tuning"
	HalfHeldOut Half = "heldout"
	HalfAll     Half = "all"
)

// HalfSeed is mixed into every split hash. Changing it reshuffles every
// split, so it is fixed: figures measured on a half stay comparable across
// versions of the project.
const HalfSeed = "screen-eval-halves-v1"

// ParseHalf reads "tuning", "heldout" (or "held-out") or "all" ("" is all).
func ParseHalf(s string) (Half, error) {
	switch s {
	case "", "all":
		return HalfAll, nil
	case "tuning":
		return HalfTuning, nil
	case "heldout", "held-out":
		return HalfHeldOut, nil
	}
	return "", fmt.Errorf("unknown half %q (tuning, heldout, all)", s)
}

// HalfOf assigns key (an entity id, a name_bench case key) to the tuning or
// the held-out half by a stable hash of HalfSeed and the key: the same key
// is always in the same half, whatever else the set holds.
func HalfOf(key string) Half {
	if stableHash(HalfSeed, key)%2 == 1 {
		return HalfHeldOut
	}
	return HalfTuning
}

// Includes reports whether h selects items of half x (HalfAll selects all).
func (h Half) Includes(x Half) bool { return h == HalfAll || h == "" || h == x }

// stableHash is FNV-1a 64 of seed, a NUL and key, finished with the
// splitmix64 mixer: FNV-1a alone leaves its low bits a function of the
// parity of the input bytes, a poor split.
func stableHash(seed, key string) uint64 {
	f := fnv.New64a()
	f.Write([]byte(seed))
	f.Write([]byte{0})
	f.Write([]byte(key))
	z := f.Sum64()
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
