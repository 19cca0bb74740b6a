package names

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"gopkg.in/yaml.v3"
)

// defaultVocabularyYAML is the built-in name vocabulary.
//
//go:embed data/vocabulary.yaml
var defaultVocabularyYAML []byte

// VocabularyFile is the shape of the name vocabulary table
// (names/data/vocabulary.yaml) and of the extensions users add to it with a
// file or through policy data. Every entry is written as documents write it
// and folded by the name tokenizer when the table is compiled, so "L.L.C."
// and "l l c" are the same entry.
type VocabularyFile struct {
	// LegalForms lists company legal forms by class: ltd, jsc, co, firm.
	LegalForms map[string][]string `yaml:"legal_forms,omitempty" json:"legal_forms,omitempty"`
	// AmbiguousLegal are legal forms that are also common name tokens: they
	// count as legal forms only at the end of a name of three or more tokens.
	AmbiguousLegal []string `yaml:"ambiguous_legal,omitempty" json:"ambiguous_legal,omitempty"`
	// ScriptLegal lists legal forms written in Han or Hangul, by class.
	ScriptLegal map[string][]string `yaml:"script_legal,omitempty" json:"script_legal,omitempty"`
	// ScriptWords maps Latin words to the Han or Hangul words that mean
	// them ("industrial": [实业, 工业]), so that a company name written in
	// one script is compared word by word with its English rendering.
	ScriptWords map[string][]string `yaml:"script_words,omitempty" json:"script_words,omitempty"`
	// AliasMarkers are words such as "a.k.a." that introduce a name.
	AliasMarkers []string `yaml:"alias_markers,omitempty" json:"alias_markers,omitempty"`
	// Honorifics are titles dropped from names.
	Honorifics []string `yaml:"honorifics,omitempty" json:"honorifics,omitempty"`
	// Particles are connecting tokens of little weight ("al", "bin", "van").
	Particles []string `yaml:"particles,omitempty" json:"particles,omitempty"`
	// ParticleForms maps a particle to its spelling variants.
	ParticleForms map[string][]string `yaml:"particle_forms,omitempty" json:"particle_forms,omitempty"`
	// Generic are organisation words that weigh less than distinctive
	// tokens ("trading", "bank").
	Generic []string `yaml:"generic,omitempty" json:"generic,omitempty"`
	// Places are country and region names and their adjectives, which
	// qualify an organisation name rather than identify it ("Korea",
	// "DPRK", "Hong Kong").
	Places []string `yaml:"places,omitempty" json:"places,omitempty"`
	// Abbreviations maps a word (or words) to the forms that stand for it:
	// trade-document abbreviations ("Trdg", "Genl") and other names of the
	// same thing ("North Korea" for "DPRK"). They are expanded in names of
	// two or more tokens.
	Abbreviations map[string][]string `yaml:"abbreviations,omitempty" json:"abbreviations,omitempty"`
	// Numbers maps number words to digits.
	Numbers map[string]string `yaml:"numbers,omitempty" json:"numbers,omitempty"`
}

// ParseVocabulary reads a vocabulary table in YAML or JSON; unknown keys are
// errors, so a misspelt section is not silently ignored. name names the
// source in errors.
func ParseVocabulary(name string, data []byte) (VocabularyFile, error) {
	var f VocabularyFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return VocabularyFile{}, fmt.Errorf("name vocabulary %s: %w", name, err)
	}
	for c := range f.LegalForms {
		if !validLegalClass(c) {
			return VocabularyFile{}, fmt.Errorf("name vocabulary %s: legal_forms: unknown class %q (ltd, jsc, co, firm)", name, c)
		}
	}
	for c := range f.ScriptLegal {
		if !validLegalClass(c) {
			return VocabularyFile{}, fmt.Errorf("name vocabulary %s: script_legal: unknown class %q (ltd, jsc, co, firm)", name, c)
		}
	}
	return f, nil
}

// VocabularyFromData reads a vocabulary extension from decoded policy data
// (data.screen.params.names): any JSON-compatible value of the
// VocabularyFile shape. A nil value yields an empty extension.
func VocabularyFromData(name string, v any) (VocabularyFile, error) {
	if v == nil {
		return VocabularyFile{}, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return VocabularyFile{}, fmt.Errorf("name vocabulary %s: %w", name, err)
	}
	return ParseVocabulary(name, b)
}

func validLegalClass(c string) bool {
	switch c {
	case LegalLimited, LegalStock, LegalCompany, LegalOther:
		return true
	}
	return false
}

// Vocabulary is a compiled name vocabulary: the tables that Analyze applies.
// It is read-only once built and safe for concurrent use. The same
// Vocabulary must analyse the listed names (at index time) and the queries.
type Vocabulary struct {
	words map[string]*vocabWord
	none  *vocabWord
	// legalForms maps a folded token sequence (space-joined) to its class.
	legalForms map[string]string
	// ambiguousLegal holds the ambiguous legal forms (folded).
	ambiguousLegal map[string]bool
	// aliasMarkers holds the alias markers (folded).
	aliasMarkers map[string]bool
	// phrases maps multi-token abbreviation forms to what they stand for.
	phrases map[string]string
	// maxSeq is the longest token sequence of legalForms, aliasMarkers and
	// phrases.
	maxSeq int
	// longLegal lists the one-word legal forms of at least nine letters.
	longLegal []maskedString
	// script lists the Han and Hangul replacements, longest first.
	script []scriptEntry
	// scriptCJK is true when every script entry holds a character from
	// U+2E80 on (hasCJKRune): a name without one then holds none of them.
	scriptCJK bool
	digest    string
	// scorers holds released Scorers for reuse (Scorer.Release): a
	// Scorer is several kilobytes, allocated for every query otherwise.
	scorers sync.Pool
	// phon remembers phonetic keys of token texts (Vocabulary.phonetic),
	// made on first use
	phon atomic.Pointer[phonTable]
}

// scriptEntry replaces a word written in Han or Hangul before
// transliteration: with Latin words, or with a legal-form class.
type scriptEntry struct {
	from  string
	to    string // Latin words
	class string // legal-form class, when to is empty
}

// vocabWord is what the vocabulary says of one word, so that a token is
// looked up once rather than in every table.
type vocabWord struct {
	alias      bool // an alias marker
	multiFirst bool // first word of a multi-word legal form, alias marker or phrase
	legal      bool // a one-word legal form
	legalClass string
	ambiguous  bool // an ambiguous legal form
	honorific  bool
	particle   bool
	generic    bool
	place      bool

	number, particleForm, abbrev       string
	isNumber, isParticleForm, isAbbrev bool

	tens, unit     int
	isTens, isUnit bool
}

var (
	defaultVocabulary     *Vocabulary
	defaultVocabularyErr  error
	defaultVocabularyOnce sync.Once
)

// DefaultVocabulary returns the built-in vocabulary (names/data/vocabulary.yaml).
// It is built once and read-only.
func DefaultVocabulary() *Vocabulary {
	defaultVocabularyOnce.Do(func() {
		f, err := ParseVocabulary("built-in", defaultVocabularyYAML)
		if err != nil {
			defaultVocabularyErr = err
			return
		}
		defaultVocabulary = compileVocabulary(f)
	})
	if defaultVocabularyErr != nil {
		// the embedded table is checked by the tests; it cannot fail at run time
		panic(defaultVocabularyErr)
	}
	return defaultVocabulary
}

// NewVocabulary returns the built-in vocabulary extended with the given
// tables (entries are added; none is removed). With no extension it
// returns DefaultVocabulary.
func NewVocabulary(ext ...VocabularyFile) *Vocabulary {
	if len(ext) == 0 || !slices.ContainsFunc(ext, func(f VocabularyFile) bool { return !f.empty() }) {
		return DefaultVocabulary()
	}
	base, _ := ParseVocabulary("built-in", defaultVocabularyYAML)
	for _, e := range ext {
		base = base.merge(e)
	}
	return compileVocabulary(base)
}

// Digest identifies the vocabulary and the way names are read with it
// (AnalysisVersion): indexes built with one are not used with another.
func (v *Vocabulary) Digest() string { return v.digest }

func (f VocabularyFile) empty() bool {
	return len(f.LegalForms) == 0 && len(f.AmbiguousLegal) == 0 && len(f.ScriptLegal) == 0 &&
		len(f.ScriptWords) == 0 && len(f.AliasMarkers) == 0 && len(f.Honorifics) == 0 &&
		len(f.Particles) == 0 && len(f.ParticleForms) == 0 && len(f.Generic) == 0 &&
		len(f.Places) == 0 && len(f.Abbreviations) == 0 && len(f.Numbers) == 0
}

// merge returns f with the entries of g added.
func (f VocabularyFile) merge(g VocabularyFile) VocabularyFile {
	addMap := func(a, b map[string][]string) map[string][]string {
		out := map[string][]string{}
		for k, v := range a {
			out[k] = slices.Clone(v)
		}
		for k, v := range b {
			out[k] = append(out[k], v...)
		}
		return out
	}
	f.LegalForms = addMap(f.LegalForms, g.LegalForms)
	f.ScriptLegal = addMap(f.ScriptLegal, g.ScriptLegal)
	f.ScriptWords = addMap(f.ScriptWords, g.ScriptWords)
	f.ParticleForms = addMap(f.ParticleForms, g.ParticleForms)
	f.Abbreviations = addMap(f.Abbreviations, g.Abbreviations)
	f.AmbiguousLegal = append(slices.Clone(f.AmbiguousLegal), g.AmbiguousLegal...)
	f.AliasMarkers = append(slices.Clone(f.AliasMarkers), g.AliasMarkers...)
	f.Honorifics = append(slices.Clone(f.Honorifics), g.Honorifics...)
	f.Particles = append(slices.Clone(f.Particles), g.Particles...)
	f.Generic = append(slices.Clone(f.Generic), g.Generic...)
	f.Places = append(slices.Clone(f.Places), g.Places...)
	nums := maps.Clone(f.Numbers)
	if nums == nil {
		nums = map[string]string{}
	}
	maps.Copy(nums, g.Numbers)
	f.Numbers = nums
	return f
}

// foldEntry folds a vocabulary entry as names are folded: lower-case ASCII
// tokens joined by single spaces.
func foldEntry(s string) string {
	raw := tokenize(s)
	parts := make([]string, 0, len(raw))
	for _, t := range raw {
		if t.text != "" {
			parts = append(parts, t.text)
		}
	}
	return strings.Join(parts, " ")
}

// compileVocabulary builds the lookup tables of a vocabulary table.
func compileVocabulary(f VocabularyFile) *Vocabulary {
	v := &Vocabulary{
		words: map[string]*vocabWord{}, none: &vocabWord{},
		legalForms: map[string]string{}, ambiguousLegal: map[string]bool{},
		aliasMarkers: map[string]bool{}, phrases: map[string]string{},
	}
	word := func(k string) *vocabWord {
		w := v.words[k]
		if w == nil {
			w = &vocabWord{}
			v.words[k] = w
		}
		return w
	}
	seq := func(k string) {
		n := strings.Count(k, " ") + 1
		if n > 1 {
			first, _, _ := strings.Cut(k, " ")
			word(first).multiFirst = true
		}
		v.maxSeq = max(v.maxSeq, n)
	}
	for _, c := range sortedKeys(f.LegalForms) {
		for _, form := range f.LegalForms[c] {
			k := foldEntry(form)
			if k == "" {
				continue
			}
			v.legalForms[k] = c
			seq(k)
			if !strings.Contains(k, " ") {
				w := word(k)
				w.legal, w.legalClass = true, c
			}
		}
	}
	for _, form := range f.AmbiguousLegal {
		if k := foldEntry(form); k != "" {
			v.ambiguousLegal[k] = true
			if !strings.Contains(k, " ") {
				word(k).ambiguous = true
			}
		}
	}
	for _, m := range f.AliasMarkers {
		if k := foldEntry(m); k != "" {
			v.aliasMarkers[k] = true
			seq(k)
			if !strings.Contains(k, " ") {
				word(k).alias = true
			}
		}
	}
	for _, h := range f.Honorifics {
		if k := foldEntry(h); k != "" {
			word(k).honorific = true
		}
	}
	for _, p := range f.Particles {
		if k := foldEntry(p); k != "" {
			word(k).particle = true
		}
	}
	for _, canon := range sortedKeys(f.ParticleForms) {
		c := foldEntry(canon)
		for _, form := range f.ParticleForms[canon] {
			if k := foldEntry(form); k != "" {
				w := word(k)
				w.particleForm, w.isParticleForm = c, true
			}
		}
	}
	for _, g := range f.Generic {
		if k := foldEntry(g); k != "" {
			word(k).generic = true
		}
	}
	for _, p := range f.Places {
		if k := foldEntry(p); k != "" {
			word(k).place = true
		}
	}
	for _, canon := range sortedKeys(f.Abbreviations) {
		c := foldEntry(canon)
		for _, form := range f.Abbreviations[canon] {
			k := foldEntry(form)
			if k == "" || k == c {
				continue
			}
			if strings.Contains(k, " ") {
				v.phrases[k] = c
				seq(k)
				continue
			}
			w := word(k)
			w.abbrev, w.isAbbrev = c, true
		}
	}
	for _, k := range sortedKeys(f.Numbers) {
		d := f.Numbers[k]
		fk := foldEntry(k)
		if fk == "" || !isDigits(d) {
			continue
		}
		w := word(fk)
		w.number, w.isNumber = d, true
		n, _ := atoiDigits(d)
		ordinal := strings.HasSuffix(fk, "th") || fk == "first" || fk == "second" || fk == "third"
		switch {
		case n >= 20 && n <= 90 && n%10 == 0 && !ordinal:
			w.tens, w.isTens = n, true
		case n >= 1 && n <= 9 && !ordinal:
			w.unit, w.isUnit = n, true
		}
	}
	for k := range v.legalForms {
		if len(k) >= 9 && !strings.Contains(k, " ") {
			v.longLegal = append(v.longLegal, maskedString{k, letterMask(k)})
		}
	}
	sort.Slice(v.longLegal, func(i, j int) bool { return v.longLegal[i].s < v.longLegal[j].s })
	for _, c := range sortedKeys(f.ScriptLegal) {
		for _, s := range f.ScriptLegal[c] {
			if s = strings.TrimSpace(s); s != "" {
				v.script = append(v.script, scriptEntry{from: s, class: c})
			}
		}
	}
	for _, latin := range sortedKeys(f.ScriptWords) {
		to := foldEntry(latin)
		for _, s := range f.ScriptWords[latin] {
			if s = strings.TrimSpace(s); s != "" && to != "" {
				v.script = append(v.script, scriptEntry{from: s, to: to})
			}
		}
	}
	// longest first, so that 有限公司 is replaced before 公司
	sort.SliceStable(v.script, func(i, j int) bool {
		a, b := v.script[i], v.script[j]
		if len(a.from) != len(b.from) {
			return len(a.from) > len(b.from)
		}
		return a.from < b.from
	})
	v.scriptCJK = true
	for _, sl := range v.script {
		v.scriptCJK = v.scriptCJK && hasCJKRune(sl.from)
	}
	canon, _ := json.Marshal(f.canonical())
	sum := sha256.Sum256(append([]byte(AnalysisVersion+"\n"), canon...))
	v.digest = hex.EncodeToString(sum[:])
	return v
}

// AnalysisVersion names the way this package reads names (tokens,
// classes, forms). It is part of every vocabulary's digest, so an index or
// snapshot built by a build that read names otherwise is never reused:
// change it with any change to Analyze or Forms that changes a token.
const AnalysisVersion = "2026-12-07"

// canonical returns f with every list sorted and deduplicated, for the
// digest.
func (f VocabularyFile) canonical() VocabularyFile {
	norm := func(ss []string) []string {
		out := slices.Clone(ss)
		slices.Sort(out)
		return slices.Compact(out)
	}
	normMap := func(m map[string][]string) map[string][]string {
		out := map[string][]string{}
		for k, v := range m {
			out[k] = norm(v)
		}
		return out
	}
	return VocabularyFile{
		LegalForms: normMap(f.LegalForms), AmbiguousLegal: norm(f.AmbiguousLegal),
		ScriptLegal: normMap(f.ScriptLegal), ScriptWords: normMap(f.ScriptWords),
		AliasMarkers: norm(f.AliasMarkers), Honorifics: norm(f.Honorifics), Particles: norm(f.Particles),
		ParticleForms: normMap(f.ParticleForms), Generic: norm(f.Generic), Places: norm(f.Places),
		Abbreviations: normMap(f.Abbreviations), Numbers: f.Numbers,
	}
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}

// NameWord reports whether the matcher reads the word w, wherever it
// stands in a name, as a distinctive name word: one token of ClassWord
// that is not a legal form, alias marker, title, particle, generic
// organisation word or place ("Captain" alone is a word, but a title
// beside other names).
func (v *Vocabulary) NameWord(w string) bool {
	ts := v.Analyze(w).Tokens
	if len(ts) != 1 || ts[0].Class != ClassWord {
		return false
	}
	e := v.lookup(ts[0].Text)
	return !e.alias && !e.multiFirst && !e.legal && !e.ambiguous && !e.honorific && !e.particle && !e.generic && !e.place
}

// lookup returns the vocabulary entry of a folded word.
func (v *Vocabulary) lookup(s string) *vocabWord {
	if w := v.words[s]; w != nil {
		return w
	}
	return v.none
}
