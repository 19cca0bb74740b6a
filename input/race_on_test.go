//go:build race

package input

// raceEnabled is true when the tests run under the race detector, which
// makes the byte-by-byte work of packing and checking large parts many times
// slower and changes what is allocated.
const raceEnabled = true
