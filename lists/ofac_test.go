package lists

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/entity"
)

func TestParseOFACFixture(t *testing.T) {
	for _, path := range []string{fixture(t, "ofac/sdn"), fixture(t, "ofac/sdn/sdn.csv")} {
		l, err := Load(context.Background(), path, "")
		if err != nil {
			t.Fatal(err)
		}
		if l.Meta.Name != "ofac" || len(l.Meta.Files) != 4 || !strings.HasPrefix(l.Meta.Version, "sha256:") {
			t.Errorf("%s: meta = %+v", path, l.Meta)
		}
		want := map[entity.Kind]int{entity.KindPerson: 2, entity.KindOrganization: 1, entity.KindVessel: 1, entity.KindAircraft: 1}
		if !reflect.DeepEqual(l.Meta.Counts, want) {
			t.Errorf("counts = %v, want %v", l.Meta.Counts, want)
		}
	}
	l, err := Load(context.Background(), fixture(t, "ofac/sdn"), FormatOFACSDN)
	if err != nil {
		t.Fatal(err)
	}
	m := byID(l)

	p := m["ofac:101"]
	if p == nil || p.Kind != entity.KindPerson || p.Name != "KIM, Test Chol" || p.List != "ofac" {
		t.Fatalf("ofac:101 = %+v", p)
	}
	if !reflect.DeepEqual(p.NameParts, &entity.NameParts{Family: "KIM", Given: "Test", Middle: "Chol"}) {
		t.Errorf("name parts = %+v", p.NameParts)
	}
	if !reflect.DeepEqual(p.Programs, []string{"DPRK3", "CYBER2"}) {
		t.Errorf("programs = %v", p.Programs)
	}
	if !reflect.DeepEqual(p.BirthDates, []entity.Date{"1970-03-14", "1968", "1965/1967"}) {
		t.Errorf("birth dates = %v", p.BirthDates)
	}
	if !reflect.DeepEqual(p.BirthPlaces, []string{"Pyongyang, Korea, North"}) || !hasCountry(p, "KP", entity.RoleBirth) {
		t.Errorf("birth places = %v countries = %+v", p.BirthPlaces, p.Countries)
	}
	if !hasCountry(p, "KP", entity.RoleNationality) || !hasCountry(p, "CN", entity.RoleCitizenship) || !hasCountry(p, "CN", entity.RoleAddress) {
		t.Errorf("countries = %+v", p.Countries)
	}
	if p.Gender != "male" {
		t.Errorf("gender = %q", p.Gender)
	}
	if !hasID(p, entity.IDPassport, "654320999") || !hasID(p, entity.IDNational, "1970031400") {
		t.Errorf("identifiers = %+v", p.Identifiers)
	}
	for _, id := range p.Identifiers {
		if id.Type == entity.IDPassport && (id.Country != "KP" || id.Note != "issued 01 Jan 2015 expires 01 Jan 2020") {
			t.Errorf("passport = %+v", id)
		}
	}
	for name, strength := range map[string]entity.Strength{"KIM, Chol; Jr.": entity.StrengthStrong, "PAK, Old": entity.StrengthFormer, "KIM, Chol Test": entity.StrengthStrong} {
		if a := hasAlias(p, name); a == nil || a.Strength != strength {
			t.Errorf("alias %q = %+v, want %s", name, a, strength)
		}
	}
	if a := hasAlias(p, "김테철"); a == nil || a.Strength != entity.StrengthWeak || a.Script != "Hangul" {
		t.Errorf("weak Hangul alias = %+v", a)
	}
	if !reflect.DeepEqual(p.Links, []entity.Link{{TargetName: "KOREA TESTRYONG SHIPPING CO", Relation: "linked_to"}}) {
		t.Errorf("links = %+v", p.Links)
	}
	if len(p.Addresses) != 1 || p.Addresses[0].Full != "Room 5, Test Building, Dandong, Liaoning, China" {
		t.Errorf("addresses = %+v", p.Addresses)
	}

	v := m["ofac:102"]
	if v == nil || v.Kind != entity.KindVessel || !hasID(v, entity.IDIMO, "8660313") || !hasID(v, entity.IDMMSI, "445112000") || !hasID(v, entity.IDCallSign, "HMYS") || !hasCountry(v, "KP", entity.RoleFlag) {
		t.Errorf("vessel = %+v", v)
	}
	for _, id := range v.Identifiers {
		if id.Type == entity.IDIMO && id.Note != "" {
			t.Errorf("vessel IMO note = %q, want none", id.Note)
		}
	}

	o := m["ofac:103"]
	if o == nil || o.Kind != entity.KindOrganization || !hasID(o, entity.IDSWIFT, "KTSTKPPY") || !hasID(o, entity.IDIMO, "5123456") || !hasID(o, entity.IDTax, "123-45-678") || !hasID(o, entity.IDRegistration, "02696754") {
		t.Errorf("organization = %+v", o)
	}
	if a := hasAlias(o, "TESTRYONG TRADING CO"); a == nil || a.Strength != entity.StrengthFormer {
		t.Errorf("fka alias = %+v", a)
	}
	if len(o.Addresses) != 2 || !hasCountry(o, "HK", entity.RoleAddress) {
		t.Errorf("addresses = %+v", o.Addresses)
	}

	if a := m["ofac:104"]; a == nil || a.Kind != entity.KindAircraft || !hasID(a, entity.IDRegistration, "EP-TST") {
		t.Errorf("aircraft = %+v", a)
	}

	// Remark continued in sdn_comments.csv, cut mid-word in sdn.csv.
	tr := m["ofac:105"]
	if tr == nil || !hasID(tr, entity.IDPassport, "123456789") || !strings.Contains(tr.Remarks, "Passport 123456789") || len(tr.Links) != 1 {
		t.Errorf("continued remark = %+v", tr)
	}
	if !reflect.DeepEqual(tr.BirthDates, []entity.Date{"1958/1962"}) {
		t.Errorf("whole-year range = %v", tr.BirthDates)
	}
}

func TestParseOFACConsFixture(t *testing.T) {
	l, err := Load(context.Background(), fixture(t, "ofac/cons"), "")
	if err != nil {
		t.Fatal(err)
	}
	if l.Meta.Name != "ofaccons" || len(l.Entities) != 3 {
		t.Fatalf("meta %+v, %d entities", l.Meta, len(l.Entities))
	}
	m := byID(l)
	if e := m["ofaccons:202"]; e == nil || hasAlias(e, "ПЕТРОВ, Тест") == nil || hasAlias(e, "ПЕТРОВ, Тест").Script != "Cyrillic" || !hasCountry(e, "RU", entity.RoleNationality) {
		t.Errorf("ofaccons:202 = %+v", e)
	}
	if e := m["ofaccons:203"]; e == nil || !strings.HasSuffix(e.Remarks, "Target Type Public Company.") {
		t.Errorf("ofaccons:203 remarks = %q", e.Remarks)
	}
}

func TestParseOFACErrors(t *testing.T) {
	good := `1,"A, B","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ` + "\r\n"
	tests := []struct {
		name, file, content, want string
	}{
		{"short row", "sdn.csv", good + `2,"C","individual","SDGT",-0- ,-0- ` + "\r\n", "sdn.csv: line 2: field Vess_type missing: 6 fields, want 12"},
		{"long row", "sdn.csv", good + `2,"C",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ` + "\r\n", "line 2: extra field 13"},
		{"bad ent_num", "sdn.csv", `x1,"A",-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ` + "\r\n", "line 1: field ent_num"},
		{"empty name", "sdn.csv", `1,-0- ,-0- ,"SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ` + "\r\n", "field SDN_Name: empty"},
		{"bad type", "sdn.csv", `1,"A","robot","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ` + "\r\n", "field SDN_Type"},
		{"duplicate", "sdn.csv", good + good, "line 2: field ent_num: duplicate 1"},
		{"orphan address", "add.csv", `9,1,"street","city","Cuba",-0- ` + "\r\n", "add.csv: line 1: field ent_num: 9 is not in the main file"},
		{"short alt", "alt.csv", `1,2,"aka"` + "\r\n", "alt.csv: line 1: field alt_name missing"},
		{"remarks cut inside the quotes", "sdn.csv", good + `2,"C","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 1970; POB Pyong`, "sdn.csv: truncated file: the file ends inside a quoted field that starts on line 2"},
		{"last line without CR LF", "sdn.csv", good + `2,"C","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- `, "sdn.csv: truncated file: the last line (line 2) has no line end"},
		{"cut in an unquoted field", "sdn.csv", good + `2,"C","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0`, "sdn.csv: truncated file"},
		{"address file without the Ctrl-Z that sdn.csv has", "sdn.csv", good + "\x1a", "add.csv: truncated file: no end-of-file byte (Ctrl-Z) after the last line, although"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.file != "sdn.csv" {
				if err := os.WriteFile(filepath.Join(dir, "sdn.csv"), []byte(good), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if strings.HasPrefix(tt.name, "address file") {
				os.WriteFile(filepath.Join(dir, "add.csv"), []byte(`1,1,"street","city","Cuba",-0- `+"\r\n"), 0o644)
			}
			if err := os.WriteFile(filepath.Join(dir, tt.file), []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(context.Background(), dir, FormatOFACSDN)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestParseOFACWindows1252(t *testing.T) {
	// "MU\xd1OZ" is MUÑOZ in Windows-1252.
	in := "1,\"MU\xd1OZ, Jose\",\"individual\",\"SDNTK\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
	l, err := ParseOFACCSV(context.Background(), OFACFiles{Main: strings.NewReader(in), MainName: "sdn.csv"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if l.Entities[0].Name != "MUÑOZ, Jose" {
		t.Errorf("name = %q", l.Entities[0].Name)
	}
}

func TestOFACRemarks(t *testing.T) {
	tests := []struct {
		remark string
		check  func(e *entity.Entity) bool
	}{
		{"DOB 10 Dec 1948", func(e *entity.Entity) bool { return reflect.DeepEqual(e.BirthDates, []entity.Date{"1948-12-10"}) }},
		{"DOB Dec 1948; alt. DOB circa 1950", func(e *entity.Entity) bool { return reflect.DeepEqual(e.BirthDates, []entity.Date{"1948-12", "1950"}) }},
		{"DOB 1958 to 1962", func(e *entity.Entity) bool { return reflect.DeepEqual(e.BirthDates, []entity.Date{"1958/1962"}) }},
		{"DOB 01 Feb 1958 to 30 Jun 1962", func(e *entity.Entity) bool {
			return reflect.DeepEqual(e.BirthDates, []entity.Date{"1958-02-01/1962-06-30"})
		}},
		{"POB Damascus, Syria", func(e *entity.Entity) bool {
			return hasCountry(e, "SY", entity.RoleBirth) && e.BirthPlaces[0] == "Damascus, Syria"
		}},
		{"nationality Korea, North; citizen Russia", func(e *entity.Entity) bool {
			return hasCountry(e, "KP", entity.RoleNationality) && hasCountry(e, "RU", entity.RoleCitizenship)
		}},
		{"Passport G025057 issued 23 Jun 1999 expires 05 Feb 2004", func(e *entity.Entity) bool {
			return hasID(e, entity.IDPassport, "G025057") && e.Identifiers[0].Note == "issued 23 Jun 1999 expires 05 Feb 2004"
		}},
		{"alt. Passport RL 1622378 (Lebanon)", func(e *entity.Entity) bool {
			return hasID(e, entity.IDPassport, "RL 1622378") && e.Identifiers[0].Country == "LB"
		}},
		{"Cedula No. 16247821 (Colombia); NIT # 800146749-7 (Colombia)", func(e *entity.Entity) bool {
			return hasID(e, entity.IDNational, "16247821") && hasID(e, entity.IDTax, "800146749-7")
		}},
		{"Identification Number IMO 5342883", func(e *entity.Entity) bool {
			return hasID(e, entity.IDIMO, "5342883") && e.Identifiers[0].Note == "company"
		}},
		{"SWIFT/BIC DCBKKPPY; Unified Social Credit Code (USCC) 91222401MA0Y31E659 (China)", func(e *entity.Entity) bool {
			return hasID(e, entity.IDSWIFT, "DCBKKPPY") && hasID(e, entity.IDRegistration, "91222401MA0Y31E659")
		}},
		{"a.k.a. 'O'BRIEN TRADING'; n.k.a. 'NEW NAME'", func(e *entity.Entity) bool {
			return hasAlias(e, "O'BRIEN TRADING") != nil && hasAlias(e, "NEW NAME") != nil
		}},
		{"Linked To: RED MUNDIAL INMOBILIARIA, S.A. DE C.V.; Linked To: HIZBALLAH.", func(e *entity.Entity) bool {
			return len(e.Links) == 2 && e.Links[0].TargetName == "RED MUNDIAL INMOBILIARIA, S.A. DE C.V" && e.Links[1].TargetName == "HIZBALLAH"
		}},
		{"Gender Female", func(e *entity.Entity) bool { return e.Gender == "female" }},
		{"Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and 510.210", func(e *entity.Entity) bool {
			return len(e.Identifiers) == 0 && len(e.Aliases) == 0
		}},
	}
	for _, tt := range tests {
		t.Run(tt.remark, func(t *testing.T) {
			e := &entity.Entity{ID: "ofac:1", Name: "X"}
			parseOFACRemarks(e, tt.remark)
			if !tt.check(e) {
				t.Errorf("entity = %+v", e)
			}
		})
	}
}

func TestOFACRealFiles(t *testing.T) {
	dir := sharedData(t, "ofac/sdn-2021")
	l, err := Load(context.Background(), dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Entities) != 8976 {
		t.Fatalf("entities = %d, want 8976", len(l.Entities))
	}
	want := map[entity.Kind]int{entity.KindPerson: 4620, entity.KindOrganization: 3673, entity.KindVessel: 406, entity.KindAircraft: 277}
	if !reflect.DeepEqual(l.Meta.Counts, want) {
		t.Errorf("counts = %v, want %v", l.Meta.Counts, want)
	}
	addresses, aliases, dprk := 0, 0, 0
	for _, e := range l.Entities {
		addresses += len(e.Addresses)
		aliases += len(e.Aliases)
		for _, p := range e.Programs {
			if strings.HasPrefix(p, "DPRK") {
				dprk++
				break
			}
		}
	}
	// 13,837 address rows, 2,397 of them "-0-" in every address column.
	if addresses != 11440 {
		t.Errorf("addresses = %d, want the add.csv rows attached", addresses)
	}
	// 11,910 alt.csv rows, merged with the remarks' a.k.a.s.
	if aliases < 11910 {
		t.Errorf("aliases = %d, want at least the 11,910 alt.csv rows", aliases)
	}
	// SOURCES.md says 415; the file has 414 rows whose Program names a DPRK programme.
	if dprk != 414 {
		t.Errorf("DPRK entities = %d, want 414", dprk)
	}
	m := byID(l)
	ccg := m["ofac:17069"]
	if ccg == nil || ccg.Name != "CHONG CHON GANG" || ccg.Kind != entity.KindVessel || !hasID(ccg, entity.IDIMO, "7937317") || !hasCountry(ccg, "KP", entity.RoleFlag) || !reflect.DeepEqual(ccg.Programs, []string{"DPRK"}) {
		t.Errorf("ofac:17069 = %+v", ccg)
	}
	bnc := m["ofac:306"]
	if bnc == nil || hasAlias(bnc, "BNC") == nil || hasAlias(bnc, "NATIONAL BANK OF CUBA") == nil || len(bnc.Addresses) < 4 {
		t.Errorf("ofac:306 = %+v", bnc)
	}
	moyo := m["ofac:7518"]
	if moyo == nil || !reflect.DeepEqual(moyo.BirthDates, []entity.Date{"1945-10-01"}) || !hasID(moyo, entity.IDPassport, "ZD001512") || moyo.NameParts == nil || moyo.NameParts.Family != "MOYO" {
		t.Errorf("ofac:7518 = %+v", moyo)
	}
	li := m["ofac:28264"]
	if li == nil || !reflect.DeepEqual(li.Programs, []string{"DPRK3", "CYBER2"}) || li.Gender != "male" || !strings.HasSuffix(li.Remarks, "Linked To: LAZARUS GROUP.") || len(li.Links) != 1 || li.Links[0].TargetName != "LAZARUS GROUP" {
		t.Errorf("ofac:28264 = %+v", li)
	}

	cons, err := Load(context.Background(), sharedData(t, "ofac/consolidated-2025"), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(cons.Entities) != 442 || cons.Meta.Name != "ofaccons" || !strings.HasPrefix(cons.Entities[0].ID, "ofaccons:") {
		t.Errorf("consolidated: %d entities, meta %+v", len(cons.Entities), cons.Meta)
	}
}
