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

// loadFixture loads a fixture, detecting its format, and checks the
// detected format.
func loadFixture(t *testing.T, rel, wantFormat string) *entity.List {
	t.Helper()
	path := fixture(t, rel)
	if f, err := DetectFormat(path); err != nil || f != wantFormat {
		t.Fatalf("DetectFormat(%s) = %q, %v; want %q", rel, f, err, wantFormat)
	}
	l, err := Load(context.Background(), path, "")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestParseEUFixture(t *testing.T) {
	l := loadFixture(t, "eu/eu-fsf.xml", FormatEU)
	if l.Meta.Name != "eu" || l.Meta.Version != "2026-01-20" {
		t.Errorf("meta = %+v", l.Meta)
	}
	m := byID(l)
	p := m["eu:90001"]
	if p == nil || p.Kind != entity.KindPerson || p.Name != "RI Test-Song" || p.Gender != "male" || p.ListedOn != "2017-08-10" {
		t.Fatalf("eu:90001 = %+v", p)
	}
	if !reflect.DeepEqual(p.NameParts, &entity.NameParts{Given: "Test-Song", Family: "Ri"}) {
		t.Errorf("name parts = %+v", p.NameParts)
	}
	if a := hasAlias(p, "리테송"); a == nil || a.Script != "Hangul" {
		t.Errorf("Hangul alias = %+v", a)
	}
	if a := hasAlias(p, "Mr Song"); a == nil || a.Strength != entity.StrengthWeak {
		t.Errorf("weak alias = %+v", a)
	}
	if !reflect.DeepEqual(p.BirthDates, []entity.Date{"1970-03-14", "1969"}) || !hasCountry(p, "KP", entity.RoleNationality) || !hasCountry(p, "KP", entity.RoleBirth) || !hasCountry(p, "CN", entity.RoleAddress) {
		t.Errorf("dates %v countries %+v", p.BirthDates, p.Countries)
	}
	if !hasID(p, entity.IDPassport, "654320999") || !hasID(p, entity.IDOther, "KPi.901") || !reflect.DeepEqual(p.Programs, []string{"PRK"}) {
		t.Errorf("ids %+v programs %v", p.Identifiers, p.Programs)
	}
	if c := m["eu:90002"]; c == nil || c.Kind != entity.KindOrganization || !hasID(c, entity.IDSWIFT, "KTSTKPPY") || hasAlias(c, "朝鲜测试船务会社") == nil {
		t.Errorf("eu:90002 = %+v", c)
	}
	if v := m["eu:90003"]; v == nil || v.Kind != entity.KindVessel || !hasID(v, entity.IDIMO, "8660313") {
		t.Errorf("eu:90003 = %+v", v)
	}
}

func TestParseUKFixture(t *testing.T) {
	l := loadFixture(t, "uk/UK-Sanctions-List.xml", FormatUK)
	if l.Meta.Name != "uk" || l.Meta.Version != "2026-01-21" {
		t.Errorf("meta = %+v", l.Meta)
	}
	m := byID(l)
	p := m["uk:DPR0901"]
	if p == nil || p.Kind != entity.KindPerson || p.Name != "Test-Song RI" || p.Gender != "male" || p.ListedOn != "2017-08-05" {
		t.Fatalf("uk:DPR0901 = %+v", p)
	}
	if !reflect.DeepEqual(p.BirthDates, []entity.Date{"1970-03-14", "1969", "1968-05"}) {
		t.Errorf("dd/mm dates = %v", p.BirthDates)
	}
	if a := hasAlias(p, "Song Mr"); a == nil || a.Strength != entity.StrengthWeak {
		t.Errorf("low-quality alias = %+v", a)
	}
	if a := hasAlias(p, "리테송"); a == nil || a.Script != "Hangul" {
		t.Errorf("non-Latin alias = %+v", a)
	}
	if !hasID(p, entity.IDPassport, "654320999") || !hasCountry(p, "KP", entity.RoleNationality) || !hasCountry(p, "CN", entity.RoleAddress) || p.BirthPlaces[0] != "Sinuiju, North Korea" {
		t.Errorf("uk:DPR0901 = %+v", p)
	}
	if c := m["uk:DPR0902"]; c == nil || c.Kind != entity.KindOrganization || hasAlias(c, "TESTRYONG SHPG") == nil || !hasID(c, entity.IDRegistration, "KP-REG-77") {
		t.Errorf("uk:DPR0902 = %+v", c)
	}
	v := m["uk:DPR0903"]
	if v == nil || v.Kind != entity.KindVessel || !hasID(v, entity.IDIMO, "8660313") || !hasCountry(v, "KP", entity.RoleFlag) || len(v.Links) != 1 || v.Links[0].Relation != "owned_by" {
		t.Errorf("uk:DPR0903 = %+v", v)
	}
}

func TestParseOFACXMLFixture(t *testing.T) {
	l := loadFixture(t, "ofacxml/sdn_advanced.xml", FormatOFACXML)
	if l.Meta.Name != "ofac" || l.Meta.Version != "2026-01-22" {
		t.Errorf("meta = %+v", l.Meta)
	}
	m := byID(l)
	p := m["ofac:101"]
	if p == nil || p.Kind != entity.KindPerson || p.Name != "KIM, Test Chol" || p.Gender != "male" || p.ListedOn != "2017-08-05" {
		t.Fatalf("ofac:101 = %+v", p)
	}
	if !reflect.DeepEqual(p.NameParts, &entity.NameParts{Family: "KIM", Given: "Test", Middle: "Chol"}) {
		t.Errorf("name parts = %+v", p.NameParts)
	}
	for name, strength := range map[string]entity.Strength{"김테철": entity.StrengthStrong, "KIM, T.": entity.StrengthWeak, "PAK, Old": entity.StrengthFormer} {
		if a := hasAlias(p, name); a == nil || a.Strength != strength {
			t.Errorf("alias %q = %+v, want %s", name, a, strength)
		}
	}
	if !reflect.DeepEqual(p.BirthDates, []entity.Date{"1970-03-14", "1965/1967"}) || !reflect.DeepEqual(p.Programs, []string{"DPRK3", "CYBER2"}) {
		t.Errorf("dates %v programs %v", p.BirthDates, p.Programs)
	}
	if !hasID(p, entity.IDPassport, "654320999") || !hasCountry(p, "KP", entity.RoleNationality) || !hasCountry(p, "KP", entity.RoleBirth) || len(p.Addresses) != 1 || p.Addresses[0].City != "Dandong" {
		t.Errorf("ofac:101 = %+v", p)
	}
	if len(p.Links) != 1 || p.Links[0].Target != "ofac:103" || p.Links[0].Relation != "linked_to" {
		t.Errorf("links = %+v", p.Links)
	}
	v := m["ofac:102"]
	if v == nil || v.Kind != entity.KindVessel || !hasID(v, entity.IDIMO, "8660313") || !hasID(v, entity.IDMMSI, "445112000") || !hasID(v, entity.IDCallSign, "HMYS") || !hasCountry(v, "KP", entity.RoleFlag) {
		t.Errorf("ofac:102 = %+v", v)
	}
	if o := m["ofac:103"]; o == nil || o.Kind != entity.KindOrganization || !hasID(o, entity.IDSWIFT, "KTSTKPPY") || o.Remarks != "Shipping company." {
		t.Errorf("ofac:103 = %+v", o)
	}
}

func TestParseBISFixture(t *testing.T) {
	l := loadFixture(t, "bis/dpl.txt", FormatBIS)
	if len(l.Entities) != 3 {
		t.Fatalf("%d entities, want 3 (two rows of one denial merged)", len(l.Entities))
	}
	var co, jane *entity.Entity
	for i := range l.Entities {
		switch l.Entities[i].Name {
		case "TEST EXPORT TRADING CO., LTD.":
			co = &l.Entities[i]
		case "JANE DOE":
			jane = &l.Entities[i]
		}
	}
	if co == nil || co.Kind != entity.KindOrganization || len(co.Addresses) != 2 || !hasCountry(co, "HK", entity.RoleAddress) || co.ListedOn != "2019-03-15" || !strings.HasPrefix(co.ID, "bis:") {
		t.Errorf("company = %+v", co)
	}
	if jane == nil || jane.Kind != entity.KindUnknown || hasAlias(jane, "JANE Q. TESTER") == nil {
		t.Errorf("person = %+v", jane)
	}
	// Ids are stable across parses.
	l2, _ := Load(context.Background(), fixture(t, "bis/dpl.txt"), "")
	if l2.Entities[0].ID != l.Entities[0].ID {
		t.Error("BIS ids are not stable")
	}
}

func TestParseFtMFixture(t *testing.T) {
	l := loadFixture(t, "ftm/entities.ftm.json", FormatFtM)
	if l.Meta.Name != "os" || l.Meta.Version != "2025-12-01" || len(l.Entities) != 3 {
		t.Fatalf("meta %+v, %d entities (the non-target parent must be left out)", l.Meta, len(l.Entities))
	}
	m := byID(l)
	p := m["os:NK-test-person"]
	if p == nil || p.Kind != entity.KindPerson || p.Gender != "male" || p.ListedOn != "2017-08-05" || !reflect.DeepEqual(p.Programs, []string{"UN-SCDPRK", "DPRK"}) {
		t.Fatalf("person = %+v", p)
	}
	if p.NameParts == nil || p.NameParts.Given != "Test-Song" {
		t.Errorf("name parts = %+v (Latin value preferred)", p.NameParts)
	}
	if a := hasAlias(p, "Mr Song"); a == nil || a.Strength != entity.StrengthWeak {
		t.Errorf("weak alias = %+v", a)
	}
	if !hasID(p, entity.IDPassport, "654320999") || !hasID(p, entity.IDPassport, "PD472310104") || len(p.Addresses) != 1 || !hasCountry(p, "CN", entity.RoleAddress) || !hasCountry(p, "KP", entity.RoleNationality) {
		t.Errorf("person = %+v", p)
	}
	if len(p.Links) != 1 || p.Links[0].Relation != "director_of" || p.Links[0].Target != "os:NK-test-company" {
		t.Errorf("person links = %+v", p.Links)
	}
	c := m["os:NK-test-company"]
	if a := hasAlias(c, "Testryong Trading"); a == nil || a.Strength != entity.StrengthFormer {
		t.Errorf("previous name = %+v", a)
	}
	var owned *entity.Link
	for i := range c.Links {
		if c.Links[i].Relation == "owned_by" {
			owned = &c.Links[i]
		}
	}
	if owned == nil || owned.Target != "" || owned.TargetName != "Unlisted Parent Holding" || owned.Percent == nil || *owned.Percent != 51.5 {
		t.Errorf("ownership link = %+v", owned)
	}
	for _, id := range c.Identifiers {
		if id.Type == entity.IDIMO && id.Note != "company" {
			t.Errorf("company IMO note = %q", id.Note)
		}
	}
	v := m["os:NK-test-vessel"]
	if v == nil || v.Kind != entity.KindVessel || !hasID(v, entity.IDIMO, "8660313") || !hasCountry(v, "KP", entity.RoleFlag) || v.Links[0].Relation != "owned_by" {
		t.Errorf("vessel = %+v", v)
	}

	s := loadFixture(t, "ftm/targets.simple.csv", FormatFtMSimple)
	if len(s.Entities) != 3 || !hasCountry(&s.Entities[0], "KP", entity.RoleNationality) || !hasCountry(&s.Entities[2], "KP", entity.RoleFlag) {
		t.Errorf("simple = %+v", s.Entities)
	}
}

func TestPartBErrors(t *testing.T) {
	tests := []struct {
		name, format, in, want string
	}{
		{"eu not eu", FormatEU, `<other/>`, "no export element"},
		{"eu no id", FormatEU, `<export><sanctionEntity><nameAlias wholeName="A"/></sanctionEntity></export>`, "no logicalId"},
		{"eu bad subject", FormatEU, `<export><sanctionEntity logicalId="1"><subjectType code="robot"/><nameAlias wholeName="A"/></sanctionEntity></export>`, "unknown subjectType"},
		{"eu truncated", FormatEU, "<export>\n<sanctionEntity logicalId=\"1\">\n<nameAlias wholeName=", "line 3"},
		{"uk no id", FormatUK, `<Designations><Designation><IndividualEntityShip>Entity</IndividualEntityShip></Designation></Designations>`, "no UniqueID"},
		{"uk bad type", FormatUK, `<Designations><Designation><UniqueID>X1</UniqueID><IndividualEntityShip>Plane</IndividualEntityShip></Designation></Designations>`, "unknown IndividualEntityShip"},
		{"uk no name", FormatUK, `<Designations><Designation><UniqueID>X1</UniqueID><IndividualEntityShip>Ship</IndividualEntityShip></Designation></Designations>`, "no name"},
		{"ofac xml not", FormatOFACXML, `<x/>`, "no Sanctions element"},
		{"ofac xml no name", FormatOFACXML, `<Sanctions><DistinctParties><DistinctParty FixedRef="1"><Profile ID="1"/></DistinctParty></DistinctParties></Sanctions>`, "no name"},
		{"bis no header", FormatBIS, "", "empty file"},
		{"bis missing column", FormatBIS, "Foo\tBar\n", `missing column "Name"`},
		{"bis short row", FormatBIS, "Name\tEffective_Date\nA\n", "line 2: 1 fields"},
		{"bis empty name", FormatBIS, "Name\tEffective_Date\n\t01/01/2020\n", "field Name: empty"},
		{"ftm bad json", FormatFtM, "{\"id\":\"a\",\"schema\":\"Person\"}\n{bad\n", "line 2"},
		{"ftm no id", FormatFtM, `{"schema":"Person","properties":{"name":["A"]}}`, "without id"},
		{"ftm no schema", FormatFtM, `{"id":"a","properties":{"name":["A"]}}`, "no schema"},
		{"ftm simple bad schema", FormatFtMSimple, "id,schema,name\na,Sanction,X\n", "not a listed-party schema"},
		{"ftm simple missing col", FormatFtMSimple, "id,name\na,X\n", `missing column "schema"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(context.Background(), strings.NewReader(tt.in), tt.format, "t")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestBISRealFile(t *testing.T) {
	l, err := Load(context.Background(), sharedData(t, "bis/dpl.txt"), "")
	if err != nil {
		t.Fatal(err)
	}
	// 581 rows; rows of the same name and effective date are one denial.
	if len(l.Entities) != 461 {
		t.Errorf("entities = %d, want 461", len(l.Entities))
	}
	rows := 0
	for _, e := range l.Entities {
		rows += len(e.Addresses)
	}
	if rows < 461 || rows > 581 {
		t.Errorf("addresses = %d", rows)
	}
	found := false
	for _, e := range l.Entities {
		if e.Name == "PEARL LI" {
			found = hasAlias(&e, "NEI-CHIEN CHU") != nil
		}
	}
	if !found {
		t.Error(`"PEARL (A.K.A. NEI-CHIEN CHU) LI" not split into name and alias`)
	}
}

func TestFtMRealFiles(t *testing.T) {
	zala, err := Load(context.Background(), sharedData(t, "opensanctions/opensanctions/yente/tests/fixtures/dataset/zala/entities.ftm.json"), "")
	if err != nil {
		t.Fatal(err)
	}
	// 91 records: 14 targets among 6 Person and 11 Company things.
	if len(zala.Entities) != 14 {
		t.Errorf("zala entities = %d, want the 14 targets", len(zala.Entities))
	}
	links, programs := 0, 0
	for _, e := range zala.Entities {
		links += len(e.Links)
		programs += len(e.Programs)
		if !strings.HasPrefix(e.ID, "os:") || e.List != "os" {
			t.Errorf("entity %s list %s", e.ID, e.List)
		}
	}
	if links == 0 || programs == 0 {
		t.Errorf("links %d programs %d: ownership/family and sanctions not attached", links, programs)
	}
	nested, err := Load(context.Background(), sharedData(t, "opensanctions/khongdudinhdoikhongne/ftm/targets.nested.json"), FormatFtM)
	if err != nil {
		t.Fatal(err)
	}
	simple, err := Load(context.Background(), sharedData(t, "opensanctions/khongdudinhdoikhongne/ftm/targets.simple.csv"), "")
	if err != nil {
		t.Fatal(err)
	}
	if len(nested.Entities) != len(simple.Entities) || len(simple.Entities) == 0 {
		t.Errorf("nested %d vs simple %d entities", len(nested.Entities), len(simple.Entities))
	}
}

func FuzzParseEU(f *testing.F) {
	seed(f, "eu/eu-fsf.xml")
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := Parse(context.Background(), bytes.NewReader(b), FormatEU, "fuzz.xml")
		checkList(t, l, err)
	})
}

func FuzzParseUK(f *testing.F) {
	seed(f, "uk/UK-Sanctions-List.xml")
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := Parse(context.Background(), bytes.NewReader(b), FormatUK, "fuzz.xml")
		checkList(t, l, err)
	})
}

func FuzzParseOFACXML(f *testing.F) {
	seed(f, "ofacxml/sdn_advanced.xml")
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := Parse(context.Background(), bytes.NewReader(b), FormatOFACXML, "fuzz.xml")
		checkList(t, l, err)
	})
}

func FuzzParseBIS(f *testing.F) {
	seed(f, "bis/dpl.txt")
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := Parse(context.Background(), bytes.NewReader(b), FormatBIS, "dpl.txt")
		checkList(t, l, err)
	})
}

func FuzzParseFtM(f *testing.F) {
	seed(f, "ftm/entities.ftm.json")
	f.Add([]byte(`{"id":"a","schema":"Person","properties":{"name":["A"],"familyPerson":[{"id":"b","schema":"Family","properties":{"person":["a"],"relative":[{"id":"c","schema":"Person","properties":{"name":["C"]}}]}}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := Parse(context.Background(), bytes.NewReader(b), FormatFtM, "fuzz.json")
		checkList(t, l, err)
	})
}

func FuzzParseFtMSimple(f *testing.F) {
	seed(f, "ftm/targets.simple.csv")
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := Parse(context.Background(), bytes.NewReader(b), FormatFtMSimple, "fuzz.csv")
		checkList(t, l, err)
	})
}

func TestDetectPartBFormats(t *testing.T) {
	for rel, want := range map[string]string{
		"eu/eu-fsf.xml": FormatEU, "uk/UK-Sanctions-List.xml": FormatUK, "ofacxml/sdn_advanced.xml": FormatOFACXML,
		"bis/dpl.txt": FormatBIS, "ftm/entities.ftm.json": FormatFtM, "ftm/targets.simple.csv": FormatFtMSimple,
	} {
		b, err := os.ReadFile(fixture(t, rel))
		if err != nil {
			t.Fatal(err)
		}
		if got := DetectFormatBytes("renamed.dat", b); got != want {
			t.Errorf("content of %s detected as %q, want %q", rel, got, want)
		}
	}
}
