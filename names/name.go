package names

import (
	"strings"

	"github.com/screen-compliance/screen/entity"
)

// Name is one analysed entity name (primary name or alias) ready to score.
type Name struct {
	// Text is the name as compared: the list's text, or a form read from
	// it (Forms).
	Text string `json:"text"`
	// Source is the list's own text when Text was read from it ("FOREIGN
	// TRADE BANK (FTB)" for "FOREIGN TRADE BANK"), else "".
	Source string `json:"source,omitempty"`
	// Derived says how Text was read from Source (a Derived* constant).
	Derived string `json:"derived,omitempty"`
	// Places are the place qualifiers read out of brackets ("australia"
	// for "Bank of China (Australia) Limited"), folded.
	Places []string `json:"places,omitempty"`
	// Strength is the alias strength ("" for the primary name).
	Strength entity.Strength `json:"strength,omitempty"`
	// Analysis is Analyze(Text).
	Analysis Analysis `json:"analysis"`
	// dups is true when a token text occurs twice in the name
	dups bool
	// ctext holds the compounds of adjacent tokens, Tokens[j].Text +
	// Tokens[j+1].Text for each j, one after the other.
	ctext string
	// info[j] summarises Tokens[j], then info[len(Tokens)+j] compound j:
	// align reads it rather than the tokens, which it touches only for
	// pairs that may be alike.
	info []tokenInfo
	// whole is what scoreBound counts for the name's tokens when every
	// one is in a pair at similarity 1 (entityBound with all tokens one),
	// worked out once
	whole boundSums
}

// tokenInfo is what align needs to know of an entity token (or compound)
// before comparing texts, in 16 bytes (four to a cache line). Texts of at
// most eight bytes are packed into an integer, so that most comparisons
// need not read the strings.
type tokenInfo struct {
	// packed is Text packed (packString) when n <= 8, else its first byte
	packed uint64
	mask   uint32 // Token.mask
	// phon is a hash of Phon, never 0, or 0 when Phon is empty
	phon uint8
	// n is len(Text), 255 for 255 bytes or more
	n     uint8
	class Class
	flags uint8
}

// tokenInfo flags.
const (
	// infoPlain: mask != 0 and plainClass(class), the letter-set filter
	// applies
	infoPlain = 1 << iota
	// infoUncached: compared by tokenSim every time (spellings, Hangul,
	// legal forms, initials, numbers)
	infoUncached
	// infoAlts: the token has alternative spellings
	infoAlts
	// infoSyllable: Token.Syllable
	infoSyllable
	// infoPinyin: Token.Pinyin
	infoPinyin
)

// variant returns the bits of an entity token, beyond its text, that
// tokenSim reads for a cached pair (syllable, pinyin, a phonetic key): the
// similarity caches key on them with the text, so that a score never
// depends on the order in which candidates are compared.
func (ti *tokenInfo) variant() int32 {
	v := int32(ti.flags & (infoSyllable | infoPinyin))
	if ti.phon != 0 {
		v |= 1 << 7
	}
	return v
}

// packString packs a string of at most eight bytes into an integer, first
// byte lowest; with the length it identifies the string.
func packString(s string) uint64 {
	var v uint64
	for i := len(s) - 1; i >= 0; i-- {
		v = v<<8 | uint64(s[i])
	}
	return v
}

// packedHash hashes a text of n bytes packed in v (at most eight).
func packedHash(v uint64, n int) uint32 {
	v *= 0x9e3779b97f4a7c15
	return uint32(v>>32) ^ uint32(n)
}

// textHash hashes a token text (summarised by ti) for the similarity
// caches; text is read only when longer than eight bytes.
func textHash(ti *tokenInfo, text string) uint32 {
	if ti.n <= 8 {
		return packedHash(ti.text(), int(ti.n))
	}
	return strHash(text)
}

// text is Text packed (packString) when n <= 8.
func (ti *tokenInfo) text() uint64 { return ti.packed }

func newTokenInfo(t *Token) tokenInfo {
	ti := tokenInfo{mask: t.mask, n: uint8(min(len(t.Text), 255)), class: t.Class}
	if len(t.Text) <= 8 {
		ti.packed = packString(t.Text)
	} else {
		ti.packed = uint64(t.Text[0])
	}
	if t.Phon != "" {
		ti.phon = uint8(strHash(t.Phon)) | 1
	}
	if t.mask != 0 && plainClass(t.Class) {
		ti.flags |= infoPlain
	}
	if len(t.Alts) > 0 || t.Hangul || t.Class == ClassLegal || t.Class == ClassInitial || t.Class == ClassNumber {
		ti.flags |= infoUncached
	}
	if len(t.Alts) > 0 {
		ti.flags |= infoAlts
	}
	if t.Syllable {
		ti.flags |= infoSyllable
	}
	if t.Pinyin {
		ti.flags |= infoPinyin
	}
	return ti
}

// first is Text[0] (the token is not empty).
func (ti *tokenInfo) first() byte { return byte(ti.packed) }

// sameShort reports whether two texts of at most eight bytes are equal;
// ok is false when they are longer (compare the strings).
func sameShort(ai, bi *tokenInfo) (same, ok bool) {
	if ai.n != bi.n {
		return false, true
	}
	if ai.n <= 8 {
		return ai.packed == bi.packed, true
	}
	return false, false
}

// samePhon reports whether a.Phon is not empty and equal to b.Phon,
// reading them only when their hashes agree.
func samePhon(ai, bi *tokenInfo, a, b *Token) bool {
	return ai.phon != 0 && ai.phon == bi.phon && a.Phon == b.Phon
}

// weight is how much the token counts in a name: its class weight,
// lowered for very short distinctive tokens.
func (ti *tokenInfo) weight() float64 {
	w := classWeight(ti.class)
	if ti.class == ClassWord {
		switch ti.n {
		case 1, 2:
			w *= 0.7
		case 3:
			w *= 0.85
		}
	}
	return w
}

// NewName prepares an analysed name for scoring.
func NewName(text string, strength entity.Strength, a Analysis) Name {
	n := Name{Text: text, Strength: strength, Analysis: a}
	n.prepare()
	return n
}

// Prepare recomputes what scoring needs beyond Analysis (after decoding a
// Name from a snapshot).
func (n *Name) Prepare() { n.prepare() }

func (n *Name) prepare() {
	ts := n.Analysis.Tokens
	setMasks(ts)
	n.dups = hasDuplicate(ts)
	n.info = make([]tokenInfo, max(2*len(ts)-1, 0))
	for j := range ts {
		n.info[j] = newTokenInfo(&ts[j])
	}
	n.whole = boundSums{}
	if len(ts) < 64 { // candidatePairs reads it only for names its masks hold
		entityBound(&n.whole, n, nil, 1<<len(ts)-1, 0)
	}
	n.ctext = ""
	if len(ts) > 1 {
		var b strings.Builder
		for j := 0; j+1 < len(ts); j++ {
			b.WriteString(ts[j].Text)
			b.WriteString(ts[j+1].Text)
		}
		n.ctext = b.String()
		off := 0
		for j := 0; j+1 < len(ts); j++ {
			l := len(ts[j].Text) + len(ts[j+1].Text)
			c := Token{Text: n.ctext[off : off+l]}
			c.mask = letterMask(c.Text)
			n.info[len(ts)+j] = newTokenInfo(&c)
			off += l
		}
	}
}

// prepared reports whether prepare ran on the current tokens.
func (n *Name) prepared() bool {
	return len(n.info) == max(2*len(n.Analysis.Tokens)-1, 0)
}

// appendCompounds appends the tokens made of adjacent tokens of ts joined
// ("ryon"+"bong") to dst; their texts share one allocation.
func appendCompounds(dst, ts []Token) []Token {
	if len(ts) < 2 {
		return dst
	}
	size := 0
	for j := 0; j+1 < len(ts); j++ {
		size += len(ts[j].Text) + len(ts[j+1].Text)
	}
	var b strings.Builder
	b.Grow(size)
	for j := 0; j+1 < len(ts); j++ {
		b.WriteString(ts[j].Text)
		b.WriteString(ts[j+1].Text)
	}
	all := b.String()
	off := 0
	for j := 0; j+1 < len(ts); j++ {
		l := len(ts[j].Text) + len(ts[j+1].Text)
		t := Token{Text: all[off : off+l]}
		t.mask = letterMask(t.Text)
		dst = append(dst, t)
		off += l
	}
	return dst
}

// EntityNames analyses every name of an entity: the primary name, then the
// aliases in order. Names yielding no tokens are kept (they never match).
//
// EntityNames uses the built-in vocabulary (DefaultVocabulary).
func EntityNames(e *entity.Entity) []Name { return DefaultVocabulary().EntityNames(e) }

// EntityNames analyses every name of an entity with this vocabulary (see
// the package function EntityNames).
//
// Each list name is read as the list means it (Forms): an acronym in
// brackets becomes a weak name of its own, "A; B" two names, qualifiers
// such as "(PVT)" are left out; Name.Source keeps the list's text.
func (v *Vocabulary) EntityNames(e *entity.Entity) []Name {
	out := make([]Name, 0, 1+len(e.Aliases))
	out = v.appendForms(out, e.Name, "", e.Kind)
	for _, a := range e.Aliases {
		out = v.appendForms(out, a.Name, a.Strength, e.Kind)
	}
	return out
}

// appendForms appends the names read from one list name of the given
// strength.
func (v *Vocabulary) appendForms(out []Name, text string, strength entity.Strength, kind entity.Kind) []Name {
	forms := v.Forms(text, kind)
	if len(forms) == 1 && forms[0].Derived == "" && !forms[0].Weak {
		a := v.Analyze(text)
		if strength == entity.StrengthStrong && kind == entity.KindPerson && oneWord(a) {
			// a person's alias of one word is a nickname ("OTTO"): it
			// identifies less than a full name
			strength = entity.StrengthWeak
		}
		return append(out, NewName(text, strength, a))
	}
	for _, f := range forms {
		st := strength
		if f.Weak && st != entity.StrengthFormer {
			st = entity.StrengthWeak
		}
		n := NewName(f.Text, st, v.Analyze(f.Text))
		if f.Text != text {
			n.Source, n.Derived, n.Places = text, f.Derived, f.Places
		}
		out = append(out, n)
	}
	return out
}

// oneWord reports whether a name has a single token that is not a particle,
// title or legal form.
func oneWord(a Analysis) bool {
	n := 0
	for _, t := range a.Tokens {
		if t.Class != ClassParticle && t.Class != ClassLegal {
			n++
		}
	}
	return n == 1
}

// ListText returns the list's own text of the name: Source when the name
// was read from it, else Text.
func (n *Name) ListText() string {
	if n.Source != "" {
		return n.Source
	}
	return n.Text
}

// hasDuplicate reports whether two tokens of ts have the same text.
func hasDuplicate(ts []Token) bool {
	for i := range ts {
		for k := i + 1; k < len(ts); k++ {
			if ts[i].Text == ts[k].Text {
				return true
			}
		}
	}
	return false
}
