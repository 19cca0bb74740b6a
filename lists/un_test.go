package lists

import (
	"bytes"
	"context"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/entity"
)

func TestParseUNFixture(t *testing.T) {
	l, err := Load(context.Background(), fixture(t, "un/consolidated.xml"), "")
	if err != nil {
		t.Fatal(err)
	}
	if l.Meta.Name != "un" || l.Meta.Version != "2026-01-15" {
		t.Errorf("meta = %+v, want name un version 2026-01-15", l.Meta)
	}
	if len(l.Meta.Files) != 1 || len(l.Meta.Files[0].SHA256) != 64 {
		t.Errorf("files = %+v, want one sha256 digest", l.Meta.Files)
	}
	want := map[entity.Kind]int{entity.KindPerson: 2, entity.KindOrganization: 1, entity.KindVessel: 1}
	if !reflect.DeepEqual(l.Meta.Counts, want) {
		t.Errorf("counts = %v, want %v", l.Meta.Counts, want)
	}
	m := byID(l)

	p := m["un:KPi.901"]
	if p == nil {
		t.Fatal("un:KPi.901 missing")
	}
	if p.Name != "RI TEST-SONG" || p.Kind != entity.KindPerson || p.List != "un" || p.Gender != "male" {
		t.Errorf("KPi.901 = %q %q %q %q", p.Name, p.Kind, p.List, p.Gender)
	}
	if !reflect.DeepEqual(p.NameParts, &entity.NameParts{Family: "RI", Given: "TEST-SONG"}) {
		t.Errorf("KPi.901 name parts = %+v, want family-first Korean parts", p.NameParts)
	}
	if a := hasAlias(p, "리테송"); a == nil || a.Script != "Hangul" || a.Strength != entity.StrengthStrong {
		t.Errorf("Hangul original-script alias = %+v", a)
	}
	if a := hasAlias(p, "Mr Song"); a == nil || a.Strength != entity.StrengthWeak {
		t.Errorf("Low-quality alias = %+v, want weak", a)
	}
	if !reflect.DeepEqual(p.BirthDates, []entity.Date{"1970-03-14", "1968/1971"}) {
		t.Errorf("birth dates = %v", p.BirthDates)
	}
	if !reflect.DeepEqual(p.BirthPlaces, []string{"Sinuiju, Democratic People's Republic of Korea"}) {
		t.Errorf("birth places = %v", p.BirthPlaces)
	}
	if len(p.Identifiers) != 1 || !hasID(p, entity.IDPassport, "654320999") || p.Identifiers[0].Country != "KP" {
		t.Errorf("identifiers = %+v, want one KP passport (language duplicates merged)", p.Identifiers)
	}
	if !hasCountry(p, "KP", entity.RoleNationality) || !hasCountry(p, "CN", entity.RoleAddress) || !hasCountry(p, "KP", entity.RoleBirth) {
		t.Errorf("countries = %+v", p.Countries)
	}
	if p.Remarks != "Representative of a designated trading company in Dandong. Passport expired." {
		t.Errorf("remarks = %q (white space should be collapsed)", p.Remarks)
	}
	if !reflect.DeepEqual(p.Programs, []string{"DPRK"}) || p.ListedOn != "2017-08-05" {
		t.Errorf("programs %v listed %q", p.Programs, p.ListedOn)
	}

	q := m["un:QDi.901"]
	if q == nil || q.Name != "AHMAD KHALIL IBRAHIM TESTI" || q.ListedOn != "2011-05-02" {
		t.Fatalf("QDi.901 = %+v", q)
	}
	if !reflect.DeepEqual(q.NameParts, &entity.NameParts{Given: "AHMAD", Middle: "KHALIL IBRAHIM", Family: "TESTI"}) {
		t.Errorf("QDi.901 name parts = %+v", q.NameParts)
	}
	if a := hasAlias(q, "أحمد خليل إبراهيم"); a == nil || a.Script != "Arabic" {
		t.Errorf("Arabic alias = %+v", a)
	}
	if len(q.Aliases) != 1 {
		t.Errorf("empty ALIAS_NAME should be skipped: %+v", q.Aliases)
	}
	if !hasID(q, entity.IDNational, "9751012345") || !hasCountry(q, "SY", entity.RoleNationality) {
		t.Errorf("QDi.901 ids %+v countries %+v", q.Identifiers, q.Countries)
	}

	c := m["un:KPe.901"]
	if c == nil || c.Kind != entity.KindOrganization {
		t.Fatalf("KPe.901 = %+v, want an organization (a shipping company, not a vessel)", c)
	}
	if !hasID(c, entity.IDSWIFT, "KTSTKPPY") || !hasID(c, entity.IDIMO, "5123456") {
		t.Errorf("KPe.901 ids = %+v", c.Identifiers)
	}
	if a := hasAlias(c, "TESTRYONG TRADING"); a == nil || a.Strength != entity.StrengthFormer {
		t.Errorf("f.k.a. alias = %+v", a)
	}
	if a := hasAlias(c, "朝鲜测试船务会社"); a == nil || a.Script != "Han" {
		t.Errorf("Han alias = %+v", a)
	}

	v := m["un:KPe.902"]
	if v == nil || v.Kind != entity.KindVessel || !hasID(v, entity.IDIMO, "8660313") {
		t.Errorf("KPe.902 = %+v, want a vessel with IMO 8660313", v)
	}
}

func TestParseUNTruncated(t *testing.T) {
	b, err := os.ReadFile(fixture(t, "un/consolidated.xml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, cut := range []int{len(b) / 4, len(b) / 2, len(b) - 40, len(b) - 3} {
		_, err := ParseUN(context.Background(), bytes.NewReader(b[:cut]), "cut.xml")
		if err == nil {
			t.Errorf("cut at %d: no error", cut)
			continue
		}
		if !strings.Contains(err.Error(), "cut.xml") || !strings.Contains(err.Error(), "line ") || !strings.Contains(err.Error(), "offset ") {
			t.Errorf("cut at %d: error %q should name the file, line and offset", cut, err)
		}
	}
}

func TestParseUNErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"not UN", `<?xml version="1.0"?><other/>`, "no CONSOLIDATED_LIST"},
		{"no reference", `<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>X</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>`, "no REFERENCE_NUMBER"},
		{"no name", `<CONSOLIDATED_LIST><ENTITIES><ENTITY><REFERENCE_NUMBER>KPe.1</REFERENCE_NUMBER></ENTITY></ENTITIES></CONSOLIDATED_LIST>`, "no name"},
		{"bad xml", "<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL><FIRST_NAME>X</SECOND_NAME>", "line 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseUN(context.Background(), strings.NewReader(tt.in), "t.xml")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestUNRealFile(t *testing.T) {
	path := sharedData(t, "un/consolidated.xml")
	l, err := Load(context.Background(), path, "")
	if err != nil {
		t.Fatal(err)
	}
	if l.Meta.Version != "2026-02-27" {
		t.Errorf("version = %q", l.Meta.Version)
	}
	if l.Meta.Counts[entity.KindPerson] != 730 || l.Meta.Counts[entity.KindOrganization] != 273 || l.Meta.Counts[entity.KindVessel] != 0 {
		t.Errorf("counts = %v, want 730 persons, 273 organizations (the UN shipping companies are not vessels)", l.Meta.Counts)
	}
	dprk := 0
	for _, e := range l.Entities {
		for _, p := range e.Programs {
			if p == "DPRK" {
				dprk++
			}
		}
	}
	if dprk != 155 {
		t.Errorf("DPRK entities = %d, want 155", dprk)
	}
	m := byID(l)
	komid := m["un:KPe.001"]
	if komid == nil || komid.Name != "KOREA MINING DEVELOPMENT TRADING CORPORATION" || hasAlias(komid, `"KOMID"`) == nil || komid.ListedOn != "2009-04-24" {
		t.Errorf("KPe.001 = %+v", komid)
	}
	ryon := m["un:KPe.002"]
	if a := hasAlias(ryon, "LYONGAKSAN GENERAL TRADING CORPORATION"); a == nil || a.Strength != entity.StrengthFormer {
		t.Errorf("KPe.002 f.k.a. = %+v", a)
	}
	if e := m["un:KPe.023"]; e == nil || !hasID(e, entity.IDSWIFT, "DCBKKPPY") {
		t.Errorf("KPe.023 SWIFT missing: %+v", e)
	}
	if e := m["un:KPe.020"]; e == nil || !hasID(e, entity.IDIMO, "1790183") || e.Kind != entity.KindOrganization {
		t.Errorf("KPe.020 (OMM) = %+v", e)
	}
	yun := m["un:KPi.001"]
	if yun == nil || yun.Name != "YUN HO-JIN" || !reflect.DeepEqual(yun.BirthDates, []entity.Date{"1944-10-13"}) || hasAlias(yun, "Yun Ho-chin") == nil || !hasCountry(yun, "KP", entity.RoleNationality) {
		t.Errorf("KPi.001 = %+v", yun)
	}
	if e := m["un:KPi.066"]; e == nil || !reflect.DeepEqual(e.BirthDates, []entity.Date{"1967/1969"}) || e.Gender != "male" {
		t.Errorf("KPi.066 = %+v, want DOB range 1967/1969 and gender from the comment", e)
	}
	if e := m["un:KPi.006"]; e == nil || len(e.Identifiers) != 1 || !hasID(e, entity.IDPassport, "381420754") {
		t.Errorf("KPi.006 ids = %+v", e.Identifiers)
	}
	scripts := map[string]int{}
	for _, e := range l.Entities {
		for _, a := range e.Aliases {
			if a.Script != "" {
				scripts[a.Script]++
			}
		}
	}
	if scripts["Arabic"] == 0 || scripts["Han"] == 0 || scripts["Cyrillic"] == 0 {
		t.Errorf("original-script aliases by script = %v", scripts)
	}
}
