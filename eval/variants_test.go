package eval

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xrash/smetrics"

	"github.com/screen-compliance/screen/entity"
	"github.com/screen-compliance/screen/lists"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const fixtureList = "testdata/variants/list.json"

func loadFixture(t *testing.T) *entity.List {
	t.Helper()
	l, err := lists.Load(context.Background(), fixtureList, "")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func entityByID(t *testing.T, l *entity.List, id string) *entity.Entity {
	t.Helper()
	for i := range l.Entities {
		if l.Entities[i].ID == id {
			return &l.Entities[i]
		}
	}
	t.Fatalf("fixture has no entity %s", id)
	return nil
}

// textsOf returns the variant texts of type t.
func textsOf(vs []Variant, t VariantType) []string {
	var out []string
	for _, v := range vs {
		if v.Type == t {
			out = append(out, v.Text)
		}
	}
	return out
}

func TestVariantsByType(t *testing.T) {
	l := loadFixture(t)
	tests := []struct {
		id   string
		typ  VariantType
		want []string
	}{
		{"own:org-1", VariantUndecorated, []string{"OCEAN BREEZE MANAGEMENT COMPANY, LIMITED"}},
		{"own:org-1", VariantLegalSwap, []string{"OCEAN BREEZE MANAGEMENT CO LTD (OBM)", "OCEAN BREEZE MANAGEMENT (OBM)"}},
		{"own:org-1", VariantAbbrev, []string{"OCEAN BREEZE MGMT CO, LIMITED (OBM)"}},
		{"own:org-1", VariantPunct, []string{"OCEAN BREEZE MANAGEMENT COMPANY LIMITED OBM"}},
		{"own:org-1", VariantReorder, nil},
		{"own:org-2", VariantUndecorated, []string{"ARMORED WIDGETS GROUP"}},
		{"own:org-2", VariantCase, []string{"armored widgets group (awg)", "Armored Widgets Group (Awg)"}},
		{"own:org-3", VariantUndecorated, []string{"COMPAGNIE FLUVIALE DES PETITS LACS", "SMALL LAKES TRANSIT COMPANY"}},
		{"own:org-4", VariantAbbrev, []string{"NORTHWIND TRADE BK OF THE DPRK", "NORTHWIND TRADE BK OF NORTH KOREA"}},
		{"own:org-5", VariantAbbrev, []string{"KORYANG GENL TRDG CORP", "KORYANG GEN TRDG CORP"}},
		{"own:org-5", VariantLegalSwap, []string{"KORYANG GENERAL TRADING CORP", "KORYANG GENERAL TRADING"}},
		{"own:org-6", VariantLegalSwap, []string{"PJSC ZARNITSA", "ZARNITSA"}},
		{"own:org-7", VariantLegalSwap, []string{"VOSTOCHNAYA MASHINOSTROITELNAYA KORPORATSIYA JSC", "VOSTOCHNAYA MASHINOSTROITELNAYA KORPORATSIYA"}},
		{"own:org-8", VariantPunct, []string{"PELICAN HARBOUR CO., LTD."}},
		{"own:org-8", VariantLegalSwap, []string{"PELICAN HARBOUR COMPANY LIMITED", "PELICAN HARBOUR"}},
		{"own:org-9", VariantLegalSwap, []string{"TANGERINE COMMERCIAL BANK CO LTD"}},
		{"own:org-9", VariantAbbrev, []string{"TANGERINE COML BK"}},
		{"own:org-10", VariantPunct, []string{"LOGOMARCHE SA"}},
		{"own:org-10", VariantLegalSwap, []string{"LOGOMARCHE"}},
		{"own:org-11", VariantUndecorated, []string{"QUILLFEATHER DEVELOPMENT LTD."}},
		{"own:org-12", VariantUndecorated, nil}, // an organisation's quoted part is its name
		{"own:per-6", VariantUndecorated, []string{"VIKTOR BOUTRO"}},
		{"own:org-11", VariantLegalSwap, []string{"QUILLFEATHER DEVELOPMENT (PRIVATE) LIMITED", "QUILLFEATHER DEVELOPMENT"}},
		{"own:per-1", VariantReorder, []string{"Oriana CARRASQUILLO MENDEZ"}},
		{"own:per-1", VariantPunct, []string{"CARRASQUILLO MENDEZ Oriana"}},
		{"own:per-1", VariantLegalSwap, nil},
		{"own:per-2", VariantReorder, []string{"YONG CHOL PAK"}},
		{"own:per-2", VariantPunct, []string{"PAK, YONG CHOL"}},
		{"own:per-3", VariantReorder, nil},
		{"own:per-4", VariantCase, []string{"al-qasimi, yusuf 'abd al-karim", "Al-Qasimi, Yusuf 'Abd Al-Karim"}},
		{"own:per-4", VariantPunct, []string{"AL QASIMI Yusuf Abd al Karim"}},
		{"own:per-4", VariantReorder, []string{"Yusuf 'Abd al-Karim AL-QASIMI"}},
		{"own:per-5", VariantPunct, []string{"HAMID Y. BARAKZAI"}},
		{"own:per-5", VariantReorder, []string{"BARAKZAI HAMID Y"}},
		{"own:unk-1", VariantLegalSwap, []string{"FRONTIERTECH, INCORPORATED", "FRONTIERTECH"}},
		{"own:unk-1", VariantReorder, nil},
		{"own:unk-2", VariantReorder, []string{"ORTIZ-VELARDE ESTEBAN"}},
		{"own:unk-2", VariantLegalSwap, nil},
		{"own:ves-1", VariantLegalSwap, nil},
		{"own:ves-1", VariantReorder, nil},
		{"own:air-1", VariantPunct, []string{"EP ABC"}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s/%s", tc.id, tc.typ), func(t *testing.T) {
			got := textsOf(Variants(entityByID(t, l, tc.id)), tc.typ)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%s %s:\n got %q\nwant %q", tc.id, tc.typ, got, tc.want)
			}
		})
	}
}

// TestVariantsGolden pins every variant of every fixture entity.
func TestVariantsGolden(t *testing.T) {
	l := loadFixture(t)
	var b strings.Builder
	for i := range l.Entities {
		e := &l.Entities[i]
		fmt.Fprintf(&b, "%s %s %q\n", e.ID, kindOf(e), e.Name)
		for _, v := range Variants(e) {
			fmt.Fprintf(&b, "  %-12s %s\n", v.Type, v.Text)
		}
	}
	golden(t, "testdata/variants/variants.golden", b.String())
}

func TestVariantsInvariants(t *testing.T) {
	l := loadFixture(t)
	types := map[VariantType]int{}
	for i := range l.Entities {
		e := &l.Entities[i]
		vs := Variants(e)
		if len(vs) == 0 || vs[0] != (Variant{VariantExact, e.Name}) {
			t.Errorf("%s: first variant %v, want exact %q", e.ID, vs, e.Name)
		}
		seen := map[Variant]bool{}
		for _, v := range vs {
			types[v.Type]++
			if seen[v] {
				t.Errorf("%s: duplicate variant %v", e.ID, v)
			}
			seen[v] = true
			if v.Type != VariantExact && v.Text == e.Name {
				t.Errorf("%s: %s variant does not change the text", e.ID, v.Type)
			}
			if v.Text != strings.TrimSpace(v.Text) || strings.Contains(v.Text, "  ") {
				t.Errorf("%s: %s variant %q has stray spaces", e.ID, v.Type, v.Text)
			}
		}
		if again := Variants(e); !reflect.DeepEqual(again, vs) {
			t.Errorf("%s: not deterministic: %v then %v", e.ID, vs, again)
		}
	}
	for _, ty := range VariantTypes() {
		if types[ty] == 0 {
			t.Errorf("no %s variant from the fixture", ty)
		}
	}
}

func TestTidy(t *testing.T) {
	for in, want := range map[string]string{
		"A  B , LTD":           "A B, LTD",
		"A (  ) B":             "A B",
		"A , , B":              "A, B",
		"ISLAMIC GUARD -QODS":  "ISLAMIC GUARD QODS",
		", A B ;":              "A B",
		"A B- ":                "A B",
		"X ( Y ) Z":            "X (Y) Z",
		"CORPS (IRGC)-QODS":    "CORPS (IRGC)-QODS",
		"SOCCER ZONE ( )":      "SOCCER ZONE",
		"GAZPROM, OOO":         "GAZPROM, OOO",
		"trailing comma, ":     "trailing comma",
		"CO., LTD.":            "CO., LTD.",
		"A  \t B":              "A B",
		"(ACME) ":              "(ACME)",
		"ACME ,LTD":            "ACME,LTD",
		"- ACME":               "ACME",
		"ACME - TRADING":       "ACME - TRADING",
		"AL-ARABI":             "AL-ARABI",
		"“ACME”":               "“ACME”",
		"ACME [ ] INC":         "ACME INC",
		"A ;; B":               "A; B",
		"X (Y ) , Z":           "X (Y), Z",
		"(MNC GROUP, )":        "(MNC GROUP)",
		"OMM )":                "OMM)",
		"ACME, , , LTD.":       "ACME, LTD.",
		" , ":                  "",
		"":                     "",
		"ACME -":               "ACME",
		"ACME --- TRADING CO.": "ACME - TRADING CO.",
	} {
		if got := tidy(in); got != want {
			t.Errorf("tidy(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTitleCase(t *testing.T) {
	for in, want := range map[string]string{
		"PEOPLE'S REPUBLIC": "People's Republic",
		"AL-AMIN":           "Al-Amin",
		"'ABDALLAH":         "'Abdallah",
		"jérôme kakwavu":    "Jérôme Kakwavu",
		"3RD FLEET":         "3rd Fleet",
		"S.A.":              "S.A.",
	} {
		if got := titleCase(in); got != want {
			t.Errorf("titleCase(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFindLegal(t *testing.T) {
	tests := []struct {
		name string
		want []string // phrases found
	}{
		{"ACME CO LTD", []string{"co ltd"}},
		{"LLC ACME", []string{"llc"}},
		{"LLC", nil},                        // a form alone is no legal form
		{"SA INDUSTRIES", nil},              // "SA" opening a name is a word
		{"AS SAMAD TRADING", nil},           // tail-only form in the middle
		{"ACME HOLDING AS", []string{"as"}}, // tail-only form at the end
		{"ACME AG (SWITZERLAND)", []string{"ag"}},
		{"ACME COMPANY FOR TRADING", []string{"company"}},
		{"JOINT STOCK COMPANY ACME", []string{"joint stock company"}},
		{"RUST CLOSED JOINT-STOCK COMPANY", []string{"closed joint-stock company"}},
		{"ACME SA DE CV", []string{"sa de cv"}},
		{"ACME (PVT) LTD", []string{"pvt", "ltd"}}, // no phrase across a bracket
		{"ACME CO; ZENITH LTD", []string{"co", "ltd"}},
	}
	for _, tc := range tests {
		var got []string
		for _, sp := range findLegal(parseName(tc.name)) {
			got = append(got, strings.Join(sp.form.phrase, " "))
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("findLegal(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestLookalikes(t *testing.T) {
	l := loadFixture(t)
	lk := NewLookalikes([]*entity.List{l})
	drawn := 0
	for i := range l.Entities {
		e := &l.Entities[i]
		text, from, to, ok := lk.Lookalike(e)
		text2, from2, to2, ok2 := lk.Lookalike(e)
		if text != text2 || from != from2 || to != to2 || ok != ok2 {
			t.Errorf("%s: look-alike not deterministic: %q then %q", e.ID, text, text2)
		}
		if !ok {
			continue
		}
		drawn++
		f, w := strings.ToLower(from), strings.ToLower(to)
		if jw := smetrics.JaroWinkler(f, w, 0.7, 4); jw >= 0.75 {
			t.Errorf("%s: %s → %s Jaro-Winkler %.2f, want < 0.75", e.ID, from, to, jw)
		}
		if prefix2(f) == prefix2(w) {
			t.Errorf("%s: %s → %s share their first two letters", e.ID, from, to)
		}
		if !distinctive(f) {
			t.Errorf("%s: replaced %q, which is not distinctive", e.ID, from)
		}
		if n := len([]rune(w)) - len([]rune(f)); n < -2 || n > 2 {
			t.Errorf("%s: %s → %s: lengths differ by %d", e.ID, from, to, n)
		}
		if !strings.Contains(e.Name, from) || text != strings.Replace(e.Name, from, to, 1) {
			t.Errorf("%s: look-alike %q is not %q with %s → %s", e.ID, text, e.Name, from, to)
		}
		for j := range l.Entities {
			for _, n := range l.Entities[j].AllNames() {
				if normText(n) == normText(text) {
					t.Errorf("%s: look-alike %q is a listed name", e.ID, text)
				}
			}
		}
	}
	if drawn < len(l.Entities)/2 {
		t.Errorf("only %d of %d fixture entities got a look-alike", drawn, len(l.Entities))
	}
	// the distinctive word is the longest non-generic one
	text, from, _, ok := lk.Lookalike(entityByID(t, l, "own:org-5"))
	if !ok || from != "KORYANG" {
		t.Errorf("org-5 look-alike %q replaced %q, want KORYANG", text, from)
	}
}

func TestLookalikeSkipsListedNames(t *testing.T) {
	// the only pool word of ALPHAVILLE's length class turns it into a
	// listed name: the entity is skipped, not given a real name as a
	// negative.
	l := &entity.List{Meta: entity.Metadata{Name: "t"}, Entities: []entity.Entity{
		{ID: "t:1", Kind: entity.KindOrganization, Name: "ALPHAVILLE TRADING"},
		{ID: "t:2", Kind: entity.KindOrganization, Name: "ZOMBORINKA TRADING"},
	}}
	lk := NewLookalikes([]*entity.List{l})
	if text, _, _, ok := lk.Lookalike(&l.Entities[0]); ok {
		t.Errorf("look-alike %q of ALPHAVILLE TRADING is a listed name; want it skipped", text)
	}
	// nor is it given a listed party's partial name
	l2 := &entity.List{Meta: entity.Metadata{Name: "t"}, Entities: []entity.Entity{
		{ID: "t:1", Kind: entity.KindOrganization, Name: "ALPHAVILLE"},
		{ID: "t:2", Kind: entity.KindOrganization, Name: "ZOMBORINKA ENGINEERING COMPANY"},
	}}
	if text, _, _, ok := NewLookalikes([]*entity.List{l2}).Lookalike(&l2.Entities[0]); ok {
		t.Errorf("look-alike %q of ALPHAVILLE is a listed party's partial name; want it skipped", text)
	}
	// a generic-only name has no distinctive word
	g := &entity.Entity{ID: "t:3", Kind: entity.KindOrganization, Name: "GENERAL TRADING COMPANY LTD"}
	if text, _, _, ok := lk.Lookalike(g); ok {
		t.Errorf("generic name got look-alike %q", text)
	}
}

func TestHalfOf(t *testing.T) {
	n := [2]int{}
	for i := 0; i < 2000; i++ {
		k := fmt.Sprintf("ofac:%d", i)
		h := HalfOf(k)
		if h != HalfOf(k) {
			t.Fatal("HalfOf is not stable")
		}
		if h == HalfHeldOut {
			n[1]++
		} else {
			n[0]++
		}
	}
	if n[0] < 900 || n[1] < 900 {
		t.Errorf("halves of 2000 keys: %v, want about 1000 each", n)
	}
	// pinned: a change of seed or hash would reshuffle every published figure
	got := []Half{HalfOf("un:KPe.001"), HalfOf("un:KPe.002"), HalfOf("ofac:36"), HalfOf("bis:d7f65b691531")}
	want := pinnedHalves
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pinned halves %v, want %v (did HalfSeed or the hash change?)", got, want)
	}
	for _, s := range []string{"", "all", "tuning", "heldout", "held-out"} {
		if _, err := ParseHalf(s); err != nil {
			t.Errorf("ParseHalf(%q): %v", s, err)
		}
	}
	if _, err := ParseHalf("test"); err == nil {
		t.Error("ParseHalf(test): want an error")
	}
}

var pinnedHalves = []Half{HalfTuning, HalfHeldOut, HalfTuning, HalfHeldOut}

// TestRunVariantsFixture screens the fixture through the engine: the
// listed names are all found, and the report is byte-identical whatever
// the number of workers.
func TestRunVariantsFixture(t *testing.T) {
	l := loadFixture(t)
	ctx := context.Background()
	run := func(workers int) (VariantsReport, string) {
		rep, err := RunVariants(ctx, VariantsOptions{Sources: []VariantSource{{Label: "fixture", Path: fixtureList, List: l}},
			Workers: workers, MaxExamples: -1})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := rep.Write(&b, true); err != nil {
			t.Fatal(err)
		}
		return rep, b.String()
	}
	rep, one := run(1)
	_, four := run(4)
	if one != four {
		t.Errorf("report differs between 1 and 4 workers:\n%s\n---\n%s", one, four)
	}
	lv := rep.List("fixture")
	if lv == nil {
		t.Fatal("no fixture list in the report")
	}
	if ex := lv.Row(KindAll, VariantExact).All(); ex.N != len(l.Entities) || ex.Found != ex.N {
		t.Errorf("exact variants: %+v, want all %d found\n%s", ex, len(l.Entities), one)
	}
	if lv.Entities[0]+lv.Entities[1] != len(l.Entities) {
		t.Errorf("entities %v, want %d in all", lv.Entities, len(l.Entities))
	}
	all := lv.Row(KindAll, TypeAll).All()
	if all.N != lv.Variants[0]+lv.Variants[1] {
		t.Errorf("rows count %d variants, want %d", all.N, lv.Variants[0]+lv.Variants[1])
	}
	// --half heldout screens only the held-out entities
	ho, err := RunVariants(ctx, VariantsOptions{Sources: []VariantSource{{Label: "fixture", Path: fixtureList, List: l}}, Half: HalfHeldOut})
	if err != nil {
		t.Fatal(err)
	}
	if h := ho.List("fixture"); h.Entities[0] != 0 || h.Entities[1] != lv.Entities[1] {
		t.Errorf("held-out run screened %v entities, want [0 %d]", h.Entities, lv.Entities[1])
	}
}

func TestSampled(t *testing.T) {
	l := loadFixture(t)
	if sampled(l, HalfAll, 0) != nil || sampled(l, HalfAll, len(l.Entities)) != nil {
		t.Error("no cap, or a cap above the list, must keep all (nil)")
	}
	s3, s5 := sampled(l, HalfAll, 3), sampled(l, HalfAll, 5)
	if len(s3) != 3 || len(s5) != 5 {
		t.Fatalf("sample sizes %d, %d; want 3, 5", len(s3), len(s5))
	}
	for id := range s3 {
		if !s5[id] {
			t.Errorf("%s in the sample of 3 but not in that of 5", id)
		}
	}
	if !reflect.DeepEqual(s3, sampled(l, HalfAll, 3)) {
		t.Error("sample not deterministic")
	}
	for id := range sampled(l, HalfHeldOut, 2) {
		if HalfOf(id) != HalfHeldOut {
			t.Errorf("held-out sample holds %s of the tuning half", id)
		}
	}
}

// TestVariantsReportGolden pins the text layout of the report.
func TestVariantsReportGolden(t *testing.T) {
	rep := VariantsReport{Half: HalfAll, Lists: []ListVariants{{
		Label: "un", Path: "un/consolidated.xml", List: "un",
		Entities: [2]int{2, 1}, Variants: [2]int{9, 4}, Lookalikes: [2]int{2, 1}, NoLookalike: [2]int{0, 0},
		Rows: []VariantRow{
			{Kind: "organization", Type: VariantExact, Halves: [2]Counts{{2, 2, 2}, {1, 1, 1}}},
			{Kind: "organization", Type: VariantAbbrev, Halves: [2]Counts{{7, 3, 1}, {3, 0, 0}}},
			{Kind: "organization", Type: TypeAll, Halves: [2]Counts{{9, 5, 3}, {4, 1, 1}}},
			{Kind: KindAll, Type: TypeAll, Halves: [2]Counts{{9, 5, 3}, {4, 1, 1}}},
		},
		LookalikeRows: []LookalikeRow{
			{Kind: "organization", Halves: [2]AlarmCounts{{2, 1, 0, 1}, {1, 0, 0, 0}}},
			{Kind: KindAll, Halves: [2]AlarmCounts{{2, 1, 0, 1}, {1, 0, 0, 0}}},
		},
		Misses: []string{`[tuning] organization abbrev un:X "ACME TRDG CORP" (listed "ACME TRADING CORPORATION"): clear; no match`},
		Alarms: []string{`[tuning] organization look-alike (ACME → ZENITH) un:X "ZENITH TRADING CORPORATION" (listed "ACME TRADING CORPORATION"): review`},
	}}}
	var b bytes.Buffer
	if err := rep.Write(&b, true); err != nil {
		t.Fatal(err)
	}
	golden(t, "testdata/variants/report.golden", b.String())
	rep.Half = HalfHeldOut
	b.Reset()
	if err := rep.Write(&b, false); err != nil {
		t.Fatal(err)
	}
	golden(t, "testdata/variants/report-heldout.golden", b.String())
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./eval -run %s -update to create it)", err, t.Name())
	}
	if got == string(want) {
		return
	}
	gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(gl) || i < len(wl); i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Errorf("%s differs from line %d (run with -update after checking the change):\n got %q\nwant %q", path, i+1, g, w)
			return
		}
	}
}

// realSources loads the real lists of the shared data, or skips.
func realSources(t *testing.T) (string, []VariantSource) {
	t.Helper()
	d := dataDir(t)
	srcs, err := VariantSources(d)
	if err != nil {
		t.Fatal(err)
	}
	for i := range srcs {
		l, err := lists.Load(context.Background(), filepath.Join(d, srcs[i].Path), "")
		if err != nil {
			t.Skipf("shared evaluation data: %v", err)
		}
		srcs[i].List = l
	}
	return d, srcs
}

// TestVariantsRealData generates the variants and look-alikes of every
// entity of every real list twice: the same both times, every variant type
// produced, and a look-alike for at least 90 % of the entities (one-word
// names seldom get one: see Lookalike).
func TestVariantsRealData(t *testing.T) {
	_, srcs := realSources(t)
	labels := map[string]bool{}
	var ls []*entity.List
	for _, s := range srcs {
		labels[s.Label] = true
		ls = append(ls, s.List)
	}
	for _, want := range []string{"un", "ofac-sdn-2021", "bis", "ofac-cons-2025"} {
		if !labels[want] {
			t.Errorf("no %s list among %v", want, srcs)
		}
	}
	lk, lk2 := NewLookalikes(ls), NewLookalikes(ls)
	types := map[VariantType]int{}
	entities, looks := 0, 0
	for _, l := range ls {
		for i := range l.Entities {
			e := &l.Entities[i]
			vs := Variants(e)
			if !reflect.DeepEqual(vs, Variants(e)) {
				t.Fatalf("%s: variants not deterministic", e.ID)
			}
			for _, v := range vs {
				types[v.Type]++
			}
			a, _, _, ok := lk.Lookalike(e)
			b, _, _, ok2 := lk2.Lookalike(e)
			if a != b || ok != ok2 {
				t.Fatalf("%s: look-alike not deterministic: %q, %q", e.ID, a, b)
			}
			entities++
			if ok {
				looks++
			}
		}
	}
	t.Logf("%d entities, variants by type %v, %d look-alikes", entities, types, looks)
	for _, ty := range VariantTypes() {
		if types[ty] == 0 {
			t.Errorf("no %s variant from the real lists", ty)
		}
	}
	// one-word names, and names every other word of which is an alias of
	// their own, seldom get one (a look-alike never holds a listed name)
	if looks < entities*80/100 {
		t.Errorf("%d look-alikes for %d entities, want at least 80 %%", looks, entities)
	}
}

// lookalikeAlarmLimit is the largest look-alike alarm rate (against any
// listed entity) a list's held-out half may show: issue 14's target, 0.5 %,
// for every list.
func lookalikeAlarmLimit(string) float64 { return 0.005 }

// TestVariantTargets asserts issue 14's targets on the held-out half of
// the UN, OFAC SDN 2021 and BIS lists: recall (review or block with the
// right entity on top) at least 0.98 over all variants of each list, and
// also for each variant type with at least 20 held-out variants on that
// list (a pooled figure is dominated by the exact and case variants; a
// type that fails is a cause left unfixed), and at most 0.5 % of the
// look-alikes raising an alarm (lookalikeAlarmLimit). To stay under a minute on 2 cores it
// screens a fixed sample of the OFAC SDN list (the 2,000 held-out entities
// with the lowest sample hash, about 12,000 screens; VariantsOptions.
// MaxEntities) and every held-out UN and BIS entity; `screen eval --suite
// variants --half heldout` measures them all.
func TestVariantTargets(t *testing.T) {
	if testing.Short() {
		t.Skip("screens ~20,000 variants and look-alikes; skipped with -short")
	}
	d, srcs := realSources(t)
	rep, err := RunVariants(context.Background(), VariantsOptions{DataDir: d, Sources: srcs, Half: HalfHeldOut,
		Only: []string{"un", "ofac-sdn-2021", "bis"}, MaxEntities: 2000, MaxExamples: 3})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := rep.Write(&b, true); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + b.String())
	for _, label := range []string{"un", "ofac-sdn-2021", "bis"} {
		l := rep.List(label)
		if l == nil {
			t.Errorf("%s: not screened", label)
			continue
		}
		t.Run(label+"/recall", func(t *testing.T) {
			if c := l.Row(KindAll, TypeAll).Halves[1]; c.Recall() < 0.98 {
				t.Errorf("%s held-out recall %.4f (%d of %d variants found), want >= 0.98", label, c.Recall(), c.Found, c.N)
			}
		})
		for _, ty := range VariantTypes() {
			c := l.Row(KindAll, ty).Halves[1]
			if c.N < 20 {
				continue
			}
			t.Run(label+"/recall/"+string(ty), func(t *testing.T) {
				if c.Recall() < 0.98 {
					t.Errorf("%s held-out %s recall %.4f (%d of %d), want >= 0.98", label, ty, c.Recall(), c.Found, c.N)
				}
			})
		}
		t.Run(label+"/lookalike-alarms", func(t *testing.T) {
			a := l.LookalikeRow(KindAll).Halves[1]
			if limit := lookalikeAlarmLimit(label); a.AlarmRate() > limit {
				t.Errorf("%s held-out look-alike alarms %.2f %% (%d of %d), want <= %.1f %%", label, 100*a.AlarmRate(), a.Alarms, a.N, 100*limit)
			}
			// a look-alike flagged as the entity it was made from
			if a.OwnRate() > 0.005 {
				t.Errorf("%s held-out look-alikes flagged as their own entity %.2f %% (%d of %d), want <= 0.5 %%", label, 100*a.OwnRate(), a.Own, a.N)
			}
		})
	}
}

// FuzzVariants: any name of any kind yields the exact name first, then
// distinct, non-empty, changed variants, and never panics; look-alikes
// never panic either.
func FuzzVariants(f *testing.F) {
	for _, s := range []string{"OCEAN MARITIME MANAGEMENT COMPANY, LIMITED (OMM)", "A ; B", "(", ")(", "CO., LTD.",
		"'ALI, Muhammad", "S.A. DE C.V.", "ОАО \"ГАЗПРОМ\"", ", ,", "X a.k.a. Y", "LLC", "-"} {
		for k := range 5 {
			f.Add(s, k)
		}
	}
	kinds := []entity.Kind{entity.KindPerson, entity.KindOrganization, entity.KindVessel, entity.KindAircraft, entity.KindUnknown}
	lk := NewLookalikes([]*entity.List{{Entities: []entity.Entity{{ID: "x:1", Name: "ZENITH TRADING"}, {ID: "x:2", Name: "Ivan PETROV"}}}})
	f.Fuzz(func(t *testing.T, name string, k int) {
		if k < 0 {
			k = -k
		}
		e := &entity.Entity{ID: "f:1", Kind: kinds[k%len(kinds)], Name: name,
			NameParts: &entity.NameParts{Family: strings.TrimSpace(strings.Split(name, " ")[0])}}
		vs := Variants(e)
		exact := strings.Join(strings.Fields(name), " ")
		if exact == "" {
			if len(vs) != 0 {
				t.Fatalf("blank name gave %v", vs)
			}
			return
		}
		if len(vs) == 0 || vs[0] != (Variant{VariantExact, exact}) {
			t.Fatalf("first variant of %q: %v", name, vs)
		}
		seen := map[Variant]bool{}
		for _, v := range vs[1:] {
			if v.Text == "" || v.Text == exact || seen[v] {
				t.Fatalf("bad %s variant %q of %q", v.Type, v.Text, name)
			}
			seen[v] = true
		}
		lk.Lookalike(e)
	})
}

// TestLookalikeWords: a look-alike's new word is one the matcher reads as a
// name word (a title, place or alias marker in its place would delete the
// word, not change it), and an organisation's look-alike that holds the
// name words of another listed organisation is a hit on it, not a negative.
func TestLookalikeWords(t *testing.T) {
	for w, want := range map[string]bool{
		"Gorka": true, "Pishgam": true, "Captain": false, "Professor": false, "Sheik": false,
		"Montenegro": false, "AKA": false, "Trading": false, "Limited": false, "Abu": false,
	} {
		if got := plainNameWord(w); got != want {
			t.Errorf("plainNameWord(%q) = %v, want %v", w, got, want)
		}
	}
	l := &entity.List{Entities: []entity.Entity{
		{ID: "1", Name: "VALPARK, S.A. DE C.V.", Kind: entity.KindOrganization},
		{ID: "2", Name: "VALFAJR SHIPPING CO.", Kind: entity.KindOrganization},
		{ID: "3", Name: "TAPIA ORTEGA, Abigail", Kind: entity.KindPerson},
	}}
	lk := NewLookalikes([]*entity.List{l})
	for _, tt := range []struct {
		text   string
		person bool
		want   bool
	}{
		{"VALPARK AFRICA", false, true},
		{"THE VALFAJR L.L.C.", false, true},
		{"VALFAJR TRADING", false, true},
		{"POUYAN SHIPPING LTD", false, false},
		{"ORTEGA, Abigail", true, false},
		{"TAPIA ORTEGA, Abigail Maria", true, true},
	} {
		if got := lk.holdsListedName(tt.text, tt.person); got != tt.want {
			t.Errorf("holdsListedName(%q, person %v) = %v, want %v", tt.text, tt.person, got, tt.want)
		}
	}
}
