package names

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/screen-compliance/screen/country"
	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/internal/asciitext"
)

// Form is one name a listed name stands for, read as the list means it:
// "ARMAMENT INDUSTRIES GROUP (AIG)" is the name "ARMAMENT INDUSTRIES
// GROUP" and the acronym "AIG"; "Azim Adhajani; Azim Agha-Jani" is two
// names; "(PVT)", "(U.K.)" and "(birth name)" are not name tokens.
type Form struct {
	// Text is the name to match.
	Text string
	// Derived says how Text was read from the list's text; "" when Text
	// is the list's text itself.
	Derived string
	// Weak is true for forms that identify less than the name they come
	// from (an acronym, a name given in brackets).
	Weak bool
	// Places are the place qualifiers left out of Text ("australia" for
	// "Bank of China (Australia) Limited"), folded.
	Places []string
}

// Ways a form is derived from a list's name text.
const (
	DerivedSplit      = "one of several names"    // "A; B", "a) A b) B"
	DerivedQualifier  = "without its qualifier"   // "X (PVT) LTD", "X (U.K.)", "X (birth name)"
	DerivedAcronym    = "acronym in brackets"     // "X (XYZ)"
	DerivedBracket    = "name in brackets"        // "X (OTHER NAME)"
	DerivedScript     = "original script"         // "X (金铁三)", "X (original script: ...)"
	DerivedAKA        = "a.k.a. in the name"      // "X a.k.a. Y"
	DerivedFormer     = "f.k.a. in the name"      // "X f.k.a. Y"
	DerivedPersonPart = "name part in brackets"   // "SAMMY (IHSAN MEDHAT) ELASHI"
	DerivedTrailing   = "without a trailing note" // "X, born 1 Jan. 1953"
)

var (
	// enumeration markers "a)", "b)" between names
	enumMarker = regexp.MustCompile(`(?:^|\s)[a-h]\)\s`)
	// alias markers inside a name field
	akaMarker = regexp.MustCompile(`(?i)(?:^|[\s,;(])(a\.\s?k\.\s?a\.?|aka|also known as|alias|n\.\s?k\.\s?a\.?|now known as|f\.\s?k\.\s?a\.?|fka|formerly known as|formerly)[\s:,]+`)
	// a trailing note after the name
	trailingNote = regexp.MustCompile(`(?i),\s*(born|dob|date of birth|passport|nationality|deceased)\b.*$`)
	// bracketed parts
	bracketed = regexp.MustCompile(`\(([^()]*)\)|\[([^\[\]]*)\]`)
)

// noteWords are bracketed contents that annotate a name.
var noteWords = []string{
	"birth name", "combat name", "previously listed as", "original script", "sub-unit name",
	"location only", "deceased", "nom de guerre", "nickname", "maiden name", "false identity",
	"passport", "date of birth", "born", "formerly listed", "alias", "located in", "branch located",
}

// qualifierWords are bracketed words that qualify a company name without
// naming it ("(OFFSHORE)", "(PRIVATE)", "(BRANCH)").
var qualifierWords = map[string]bool{
	"offshore": true, "off": true, "shore": true, "private": true, "branch": true, "holding": true,
	"group": true, "free": true, "zone": true, "ftz": true, "fze": true, "representative": true,
	"office": true, "ngo": true, "the": true, "only": true, "location": true, "first": true, "second": true,
	"third": true, "fourth": true, "fifth": true, "ii": true, "iii": true, "iv": true, "jr": true,
	"sr": true, "rtd": true, "retd": true, "retired": true,
}

// Forms reads the names a list's name text stands for. The first form is
// the name as the list means it (its decorations removed); the list's
// text itself is not repeated when reading it changed nothing. kind is the
// entity's kind: brackets inside a person's name are name parts, inside an
// organisation's name another name. Forms never fails; text without
// decorations yields one form, itself.
func (v *Vocabulary) Forms(text string, kind entity.Kind) []Form {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	if !mayBeDecorated(text) {
		return []Form{{Text: text}}
	}
	var out []Form
	add := func(f Form) {
		f.Text = cleanForm(f.Text)
		if f.Text == "" || !hasLetterOrDigit(f.Text) {
			return
		}
		for i := range out {
			if strings.EqualFold(out[i].Text, f.Text) {
				if out[i].Weak && !f.Weak {
					out[i] = f
				}
				return
			}
		}
		out = append(out, f)
	}
	parts := splitNames(text)
	split := len(parts) > 1
	for _, p := range parts {
		v.readPart(p, kind, split, add)
	}
	if len(out) == 0 {
		return []Form{{Text: text}}
	}
	if len(out) == 1 && out[0].Text == cleanForm(text) {
		out[0] = Form{Text: text}
	}
	return out
}

// aliasWords are the words of the alias markers readPart looks for.
var aliasWords = asciitext.NewWords("aka", "a.k", "alias", "known as", "formerly", "fka", "f.k", "nka", "n.k")

// mayBeDecorated reports whether Forms could read anything out of text:
// brackets, separators, commas before a note, or an alias marker. Most
// names have none, and are their own only form.
func mayBeDecorated(text string) bool {
	if strings.ContainsAny(text, "()[];,") {
		return true
	}
	return aliasWords.ContainsAny(text)
}

// splitNames splits a name field that holds several names: "A; B",
// "a) A b) B".
func splitNames(text string) []string {
	if !strings.Contains(text, ";") && !enumMarker.MatchString(text) {
		return []string{text}
	}
	// semicolons inside brackets separate aliases of the bracketed name,
	// not names of the field
	var parts []string
	depth, start := 0, 0
	for i, r := range text {
		switch r {
		case '(', '[':
			depth++
		case ')', ']':
			if depth > 0 {
				depth--
			}
		case ';':
			if depth == 0 {
				parts = append(parts, text[start:i])
				start = i + 1
			}
		}
	}
	parts = append(parts, text[start:])
	var out []string
	for _, p := range parts {
		for _, q := range enumMarker.Split(" "+p+" ", -1) {
			if q = strings.TrimSpace(q); q != "" {
				out = append(out, q)
			}
		}
	}
	return out
}

// readPart reads one name of a field.
func (v *Vocabulary) readPart(text string, kind entity.Kind, split bool, add func(Form)) {
	derived := ""
	if split {
		derived = DerivedSplit
	}
	// "X a.k.a. Y", "X f.k.a. Y"
	if loc := akaMarker.FindStringSubmatchIndex(text); loc != nil && loc[0] > 0 {
		marker := strings.ToLower(strings.Join(strings.Fields(text[loc[2]:loc[3]]), ""))
		main, rest := text[:loc[0]], text[loc[1]:]
		if strings.TrimSpace(main) != "" && strings.TrimSpace(rest) != "" && !strings.Contains(main, "(") {
			v.readPart(main, kind, split, add)
			how := DerivedAKA
			if strings.HasPrefix(marker, "f") {
				how = DerivedFormer
			}
			for _, r := range splitNames(rest) {
				v.readBrackets(r, kind, how, add)
			}
			return
		}
	}
	if loc := trailingNote.FindStringIndex(text); loc != nil && loc[0] > 0 {
		text = text[:loc[0]]
		if derived == "" {
			derived = DerivedTrailing
		}
	}
	v.readBrackets(text, kind, derived, add)
}

// readBrackets reads the bracketed parts of one name.
func (v *Vocabulary) readBrackets(text string, kind entity.Kind, derived string, add func(Form)) {
	locs := bracketed.FindAllStringSubmatchIndex(text, -1)
	if len(locs) == 0 {
		add(Form{Text: text, Derived: derived})
		return
	}
	if kind == entity.KindUnknown && v.organisationWords(bracketed.ReplaceAllString(text, " ")) {
		// a name of unknown kind with a legal form or an organisation's
		// word outside its brackets is an organisation's: a bracket in
		// its middle is a qualifier or another name, never a person's
		// name part ("VEST SPECTRUM (S) PTE. LTD.")
		kind = entity.KindOrganization
	}
	var base strings.Builder
	var extra []Form
	var places []string
	keepFull := false
	// flat is true when the list's text with its brackets dropped is a name
	// documents may copy ("BUTEMBO AIRLINES BAL")
	flat := false
	last := 0
	for _, loc := range locs {
		base.WriteString(text[last:loc[0]])
		base.WriteByte(' ')
		last = loc[1]
		inner := text[loc[2]:loc[3]]
		if loc[2] < 0 {
			inner = text[loc[4]:loc[5]]
		}
		inner = strings.TrimSpace(inner)
		before := strings.TrimSpace(text[:loc[0]])
		middle := before != "" && strings.TrimSpace(strings.Trim(text[loc[1]:], " ,.")) != ""
		kind := v.bracketKind(inner, before, middle, kind)
		if kind == bracketQualifier {
			places = append(places, v.placesOf(inner)...)
		}
		if kind != bracketNote && kind != bracketScript {
			flat = true
		}
		switch kind {
		case bracketScript:
			s := inner
			if i := strings.Index(strings.ToLower(s), "original script"); i >= 0 {
				s = strings.TrimLeft(s[i+len("original script"):], ": ")
			}
			extra = append(extra, Form{Text: s, Derived: DerivedScript})
		case bracketAcronym:
			extra = append(extra, Form{Text: inner, Derived: DerivedAcronym, Weak: true})
		case bracketName:
			for _, n := range splitNames(inner) {
				extra = append(extra, Form{Text: n, Derived: DerivedBracket, Weak: true})
			}
		case bracketPersonPart:
			keepFull = true
			// one word after a word: another spelling of that word
			// ("Lom-ali Butayev (Butaev)")
			if !strings.Contains(inner, " ") && before != "" {
				if i := strings.LastIndexAny(before, " ,"); i >= 0 || !strings.ContainsAny(before, " ,") {
					replaced := before[:i+1] + " " + inner + " " + text[loc[1]:]
					extra = append(extra, Form{Text: replaced, Derived: DerivedPersonPart})
				}
			}
		}
	}
	base.WriteString(text[last:])
	how := derived
	if how == "" {
		how = DerivedQualifier
	}
	if keepFull {
		// a person's bracketed name part: the name with it and without it
		full := bracketed.ReplaceAllString(text, " $1$2 ")
		add(Form{Text: full, Derived: orDefault(derived, DerivedPersonPart)})
		how = orDefault(derived, DerivedPersonPart)
	}
	add(Form{Text: base.String(), Derived: how, Places: places})
	for _, f := range extra {
		add(f)
	}
	if flat && !keepFull {
		// the list's text itself, for documents that copy it with its
		// brackets dropped
		add(Form{Text: text, Derived: derived})
	}
}

// organisationWords reports whether text holds a legal form or a generic
// organisation word ("Trading", "Bank").
func (v *Vocabulary) organisationWords(text string) bool {
	for _, t := range v.Analyze(text).Tokens {
		if t.Class == ClassLegal || t.Class == ClassGeneric {
			return true
		}
	}
	return false
}

// placesOf returns the places of a qualifier ("Hong Kong", "U.K."),
// folded as place tokens are.
func (v *Vocabulary) placesOf(s string) []string {
	var out []string
	for _, t := range v.Analyze(s).Tokens {
		if t.Class == ClassPlace {
			out = append(out, t.Text)
		}
	}
	if len(out) == 0 {
		if c := country.Code(s); c != "" {
			out = append(out, strings.ToLower(c))
		}
	}
	return out
}

func orDefault(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

// Kinds of bracketed parts.
const (
	bracketQualifier  = iota // not a name token: legal form, place, title
	bracketNote              // a note about the name ("birth name", a passport number)
	bracketAcronym           // an acronym of the name
	bracketName              // another name of an organisation
	bracketPersonPart        // part of a person's name
	bracketScript            // the name in its original script
)

// bracketKind classifies a bracketed part of a name; before is the text
// before the bracket.
func (v *Vocabulary) bracketKind(inner, before string, middle bool, kind entity.Kind) int {
	low := strings.ToLower(inner)
	if inner == "" {
		return bracketQualifier
	}
	if strings.HasPrefix(low, "original script") {
		if strings.TrimLeft(low[len("original script"):], ": ") == "" {
			return bracketNote
		}
		return bracketScript
	}
	if entity.DetectScript(inner) != "" {
		return bracketScript
	}
	for _, w := range noteWords {
		if strings.Contains(low, w) {
			return bracketNote
		}
	}
	if len(strings.Fields(inner)) > 12 || digitsIn(inner) >= 5 || (digitsIn(inner) > 0 && strings.Contains(inner, ".")) {
		return bracketNote // a note or a reference number, not a name
	}
	a := v.Analyze(inner)
	if len(a.Tokens) == 0 {
		return bracketQualifier
	}
	if _, ok := v.legalForms[foldEntry(inner)]; ok {
		return bracketQualifier // "(LIMITED)", "(ZAKRYTOE AKTSIONERNOE OBSHCHESTVO)"
	}
	qualifier := true
	for _, t := range a.Tokens {
		switch t.Class {
		case ClassLegal, ClassPlace, ClassParticle:
			continue
		}
		if w := v.lookup(t.Text); qualifierWords[t.Text] || w.honorific || w.legal {
			continue
		}
		qualifier = false
		break
	}
	if qualifier || country.Code(inner) != "" {
		return bracketQualifier
	}
	// a bracket inside a name of unknown kind is a person's name part
	// ("SAMMY (IHSAN MEDHAT) ELASHI"); at its end, another name
	person := kind == entity.KindPerson || (kind == entity.KindUnknown && middle)
	if acronymLike(inner) && !person {
		return bracketAcronym
	}
	if person {
		return bracketPersonPart
	}
	if len(a.Tokens) == 1 && len(before) == 0 {
		return bracketQualifier
	}
	return bracketName
}

// acronymLike reports whether a bracketed part reads as an acronym: one
// word (letters with digits, '-', '/', '.', '&') of at most ten letters,
// written in capitals or with a capital inside ("JuA").
func acronymLike(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s, " \t,") && !isDottedInitials(s) {
		return false
	}
	letters, upper := 0, 0
	for _, r := range s {
		switch {
		case unicode.IsLetter(r):
			letters++
			if unicode.IsUpper(r) {
				upper++
			}
		case unicode.IsDigit(r) || strings.ContainsRune("-/.&'", r):
		default:
			return false
		}
	}
	if letters < 2 || letters > 10 {
		return false
	}
	return upper >= 2 || (upper >= 1 && letters <= 3)
}

// isDottedInitials reports "M. S. P." style initials.
func isDottedInitials(s string) bool {
	for _, f := range strings.Fields(s) {
		if utf8.RuneCountInString(strings.Trim(f, ".")) != 1 {
			return false
		}
	}
	return true
}

func digitsIn(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

func hasLetterOrDigit(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// cleanForm collapses white space and trims separators left by removed
// parts ("X ,", "X -").
func cleanForm(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.ReplaceAll(s, " ,", ",")
	return strings.Trim(s, " ,;:-")
}

// FormCounts says what reading list names as the lists mean them (Forms)
// changes in one list.
type FormCounts struct {
	// Names counts the list's names and aliases; Read those whose text
	// was read into other forms; Entities the entities with such a name.
	Names    int `json:"names"`
	Read     int `json:"read"`
	Entities int `json:"entities"`
	// Forms counts the forms read, by how they were read (a Derived*
	// constant).
	Forms map[string]int `json:"forms"`
}

// CountForms reads every name of every entity of l and counts what Forms
// changes.
func (v *Vocabulary) CountForms(l *entity.List) FormCounts {
	c := FormCounts{Forms: map[string]int{}}
	for i := range l.Entities {
		e := &l.Entities[i]
		changed := false
		for _, text := range e.AllNames() {
			c.Names++
			fs := v.Forms(text, e.Kind)
			if len(fs) == 1 && fs[0].Derived == "" && !fs[0].Weak {
				continue
			}
			c.Read++
			changed = true
			for _, f := range fs {
				if f.Derived != "" {
					c.Forms[f.Derived]++
				}
			}
		}
		if changed {
			c.Entities++
		}
	}
	return c
}
