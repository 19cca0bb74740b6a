// Package asciitext holds the small ASCII checks several packages make on
// hot paths without allocating: whether a text is ASCII, and whether it
// contains a word in any ASCII case.
package asciitext

// IsASCII reports whether s holds only ASCII bytes.
func IsASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// ContainsFold reports whether s contains sub, which must be lower-case
// ASCII, ignoring the case of s's ASCII letters.
func ContainsFold(s, sub string) bool {
	n := len(sub)
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for j < n {
			c := s[i+j]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != sub[j] {
				break
			}
			j++
		}
		if j == n {
			return true
		}
	}
	return false
}
