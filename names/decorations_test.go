package names

import (
	"reflect"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/entity"
)

func TestForms(t *testing.T) {
	type f = Form
	tests := []struct {
		text string
		kind entity.Kind
		want []Form
	}{
		{"KOREA MINING DEVELOPMENT TRADING CORPORATION", entity.KindOrganization,
			[]Form{{Text: "KOREA MINING DEVELOPMENT TRADING CORPORATION"}}},
		{"ARMAMENT INDUSTRIES GROUP (AIG)", entity.KindOrganization, []Form{
			{Text: "ARMAMENT INDUSTRIES GROUP", Derived: DerivedQualifier},
			{Text: "AIG", Derived: DerivedAcronym, Weak: true},
			{Text: "ARMAMENT INDUSTRIES GROUP (AIG)"}}},
		{"OCEAN MARITIME MANAGEMENT COMPANY, LIMITED (OMM)", entity.KindOrganization, []Form{
			{Text: "OCEAN MARITIME MANAGEMENT COMPANY, LIMITED", Derived: DerivedQualifier},
			{Text: "OMM", Derived: DerivedAcronym, Weak: true},
			{Text: "OCEAN MARITIME MANAGEMENT COMPANY, LIMITED (OMM)"}}},
		{"M & S SYNDICATE (PVT) LTD.", entity.KindOrganization, []Form{
			{Text: "M & S SYNDICATE LTD.", Derived: DerivedQualifier},
			{Text: "M & S SYNDICATE (PVT) LTD."}}},
		{"AERO CONTINENTE (USA) INC.", entity.KindOrganization, []Form{
			{Text: "AERO CONTINENTE INC.", Derived: DerivedQualifier, Places: []string{"usa"}},
			{Text: "AERO CONTINENTE (USA) INC."}}},
		{"VTB BANK (AUSTRIA) AG", entity.KindOrganization, []Form{
			{Text: "VTB BANK AG", Derived: DerivedQualifier, Places: []string{"austria"}},
			{Text: "VTB BANK (AUSTRIA) AG"}}},
		{"Azim Adhajani; Azim Agha-Jani", entity.KindPerson, []Form{
			{Text: "Azim Adhajani", Derived: DerivedSplit}, {Text: "Azim Agha-Jani", Derived: DerivedSplit}}},
		{"Mohammed Sabet; Mohammad Sabet b) M. Javad Kareemi Sabet", entity.KindPerson, []Form{
			{Text: "Mohammed Sabet", Derived: DerivedSplit}, {Text: "Mohammad Sabet", Derived: DerivedSplit},
			{Text: "M. Javad Kareemi Sabet", Derived: DerivedSplit}}},
		{"Encep Nurjaman (birth name)", entity.KindPerson, []Form{{Text: "Encep Nurjaman", Derived: DerivedQualifier}}},
		{"(Sheikh) Musa Hilal", entity.KindPerson, []Form{{Text: "Musa Hilal", Derived: DerivedQualifier},
			{Text: "(Sheikh) Musa Hilal"}}},
		{"Jin Tiesan (金铁三)", entity.KindPerson, []Form{
			{Text: "Jin Tiesan", Derived: DerivedQualifier}, {Text: "金铁三", Derived: DerivedScript}}},
		{"Amir Khazmat (original script: Амир Хазмат)", entity.KindPerson, []Form{
			{Text: "Amir Khazmat", Derived: DerivedQualifier}, {Text: "Амир Хазмат", Derived: DerivedScript}}},
		{"SAMMY (IHSAN MEDHAT) ELASHI", entity.KindUnknown, []Form{
			{Text: "SAMMY IHSAN MEDHAT ELASHI", Derived: DerivedPersonPart},
			{Text: "SAMMY ELASHI", Derived: DerivedPersonPart}}},
		{"Lom-ali Butayev (Butaev)", entity.KindPerson, []Form{
			{Text: "Lom-ali Butayev Butaev", Derived: DerivedPersonPart},
			{Text: "Lom-ali Butayev", Derived: DerivedPersonPart},
			{Text: "Lom-ali Butaev", Derived: DerivedPersonPart}}},
		{"PARTIDO COMUNISTA DEL PERU (COMMUNIST PARTY OF PERU)", entity.KindOrganization, []Form{
			{Text: "PARTIDO COMUNISTA DEL PERU", Derived: DerivedQualifier},
			{Text: "COMMUNIST PARTY OF PERU", Derived: DerivedBracket, Weak: true},
			{Text: "PARTIDO COMUNISTA DEL PERU (COMMUNIST PARTY OF PERU)"}}},
		{"Safia Farkash Mohammed Al-Hadad, born 1 Jan. 1953 (Oman passport no.03825239)", entity.KindPerson, []Form{
			{Text: "Safia Farkash Mohammed Al-Hadad", Derived: DerivedTrailing}}},
		{"BANCO NACIONAL a.k.a. NATIONAL BANK", entity.KindOrganization, []Form{
			{Text: "BANCO NACIONAL"}, {Text: "NATIONAL BANK", Derived: DerivedAKA}}},
		{"ABUBAKAR SWALLEH", entity.KindPerson, []Form{{Text: "ABUBAKAR SWALLEH"}}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got := DefaultVocabulary().Forms(tt.text, tt.kind)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Forms(%q)\n got %+v\nwant %+v", tt.text, got, tt.want)
			}
		})
	}
	_ = f{}
}

// TestDecoratedNamesMatch: the list's decorations are never evidence
// against a match, and the officer sees the list's own text.
func TestDecoratedNamesMatch(t *testing.T) {
	for _, tc := range []struct{ query, listed string }{
		{"ARMAMENT INDUSTRIES GROUP", "ARMAMENT INDUSTRIES GROUP (AIG)"},
		{"Foreign Trade Bank", "FOREIGN TRADE BANK (FTB)"},
		{"Ocean Maritime Management Co Ltd", "OCEAN MARITIME MANAGEMENT COMPANY, LIMITED (OMM)"},
		{"M&S Syndicate Ltd", "M & S SYNDICATE (PVT) LTD."},
	} {
		e := &entity.Entity{ID: "x", Kind: entity.KindOrganization, Name: tc.listed}
		r := Score(Query{Name: tc.query}, e)
		if r.NameScore < 0.95 || r.MatchedName != tc.listed {
			t.Errorf("%q ~ %q: %.3f, matched %q: %s", tc.query, tc.listed, r.NameScore, r.MatchedName, r.Explanation)
		}
	}
	// the acronym alone is a weak name
	e := &entity.Entity{ID: "x", Kind: entity.KindOrganization, Name: "FOREIGN TRADE BANK (FTB)"}
	if r := Score(Query{Name: "FTB"}, e); r.NameScore != weakAliasFactor {
		t.Errorf("FTB ~ FOREIGN TRADE BANK (FTB): %.3f: %s", r.NameScore, r.Explanation)
	}
}

// TestScriptCompanyNames: company names written in Han or Hangul match
// their English rendering word by word; personal names are not read as
// words.
func TestScriptCompanyNames(t *testing.T) {
	for _, tc := range []struct{ query, listed string }{
		{"丹东鸿祥实业发展有限公司", "DANDONG HONGXIANG INDUSTRIAL DEVELOPMENT CO LTD"},
		{"조선광업개발무역회사", "KOREA MINING DEVELOPMENT TRADING CORPORATION"},
	} {
		e := &entity.Entity{ID: "x", Kind: entity.KindOrganization, Name: tc.listed}
		if r := Score(Query{Name: tc.query}, e); r.NameScore < 0.92 {
			t.Errorf("%q ~ %q: %.3f: %s", tc.query, tc.listed, r.NameScore, r.Explanation)
		}
	}
	// a Korean personal name that contains the word 조선 (Korea)
	if got := Analyze("조선희").Normalized(); strings.Contains(got, "korea") {
		t.Errorf("조선희 read as %q", got)
	}
}
