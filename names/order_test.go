package names

import (
	"reflect"
	"testing"

	"github.com/screen-compliance/screen/entity"
)

// TestScoresDoNotDependOnCandidateOrder scores one query against entities
// whose tokens share a text but not what the similarity reads beside it
// (a Han syllable and a Latin word, a pinyin given name and a plain word,
// a token with and without a phonetic key), in both orders with one
// Scorer, and with a fresh Scorer per entity: the scores must agree.
func TestScoresDoNotDependOnCandidateOrder(t *testing.T) {
	cases := []struct {
		query string
		a, b  entity.Entity
	}{
		{"Ma Xiaoming", entity.Entity{ID: "a", Kind: entity.KindPerson, Name: "MA, Xiaohong"},
			entity.Entity{ID: "b", Kind: entity.KindOrganization, Name: "Xiaohong Ma Trading Co"}},
		{"Ma Xiaohung", entity.Entity{ID: "a", Kind: entity.KindPerson, Name: "MA, Xiaohong"},
			entity.Entity{ID: "b", Kind: entity.KindOrganization, Name: "Xiaohong Trading Co"}},
		{"Li Ming", entity.Entity{ID: "a", Kind: entity.KindPerson, Name: "李明"},
			entity.Entity{ID: "b", Kind: entity.KindPerson, Name: "Li Ming"}},
		{"Li Mint", entity.Entity{ID: "a", Kind: entity.KindPerson, Name: "李明"},
			entity.Entity{ID: "b", Kind: entity.KindPerson, Name: "Li Ming"}},
		{"Wong Li", entity.Entity{ID: "a", Kind: entity.KindPerson, Name: "王力"},
			entity.Entity{ID: "b", Kind: entity.KindPerson, Name: "Wang Li"}},
		{"Lee Ming", entity.Entity{ID: "a", Kind: entity.KindPerson, Name: "李明"},
			entity.Entity{ID: "b", Kind: entity.KindPerson, Name: "Li Ming"}},
		{"Korea Songi Ltd", entity.Entity{ID: "a", Kind: entity.KindOrganization, Name: "Korea Songi Company"},
			entity.Entity{ID: "b", Kind: entity.KindOrganization, Name: "Songi Korea"}},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			na, nb := EntityNames(&tc.a), EntityNames(&tc.b)
			fresh := func(e *entity.Entity, ns []Name) float64 { return NewScorer(Query{Name: tc.query}).Score(e, ns).Score }
			wantA, wantB := fresh(&tc.a, na), fresh(&tc.b, nb)
			s1 := NewScorer(Query{Name: tc.query})
			gotA1, gotB1 := s1.Score(&tc.a, na).Score, s1.Score(&tc.b, nb).Score
			s2 := NewScorer(Query{Name: tc.query})
			gotB2, gotA2 := s2.Score(&tc.b, nb).Score, s2.Score(&tc.a, na).Score
			if gotA1 != wantA || gotA2 != wantA || gotB1 != wantB || gotB2 != wantB {
				t.Errorf("a: fresh %.4f, a first %.4f, b first %.4f; b: fresh %.4f, a first %.4f, b first %.4f",
					wantA, gotA1, gotA2, wantB, gotB1, gotB2)
			}
		})
	}
}

// TestReleasedScorersScoreAsFreshOnes scores queries of every shape (long,
// decorated with an acronym or two names, with qualifiers and identifiers)
// with fresh Scorers, then again many times with Scorers that are released
// after each query and so reused from the vocabulary's pool, in another
// order: every result must be the same, so that nothing of an earlier query
// survives in a reused Scorer.
func TestReleasedScorersScoreAsFreshOnes(t *testing.T) {
	ents := []entity.Entity{
		{ID: "p", Kind: entity.KindPerson, Name: "Ali Hassan Mahmoud", BirthDates: []entity.Date{"1961-03-04"}, Countries: []entity.Country{{Code: "IQ", Role: entity.RoleNationality}}},
		{ID: "o", Kind: entity.KindOrganization, Name: "FOREIGN TRADE BANK (FTB)", Aliases: []entity.Alias{{Name: "Mukhabarat Bank", Strength: entity.StrengthWeak}}},
		{ID: "v", Kind: entity.KindVessel, Name: "CHON MA SAN", Identifiers: []entity.Identifier{{Type: entity.IDIMO, Value: "8660313"}}},
		{ID: "h", Kind: entity.KindPerson, Name: "李明"},
		// many distinct words, so that the similarity caches outgrow
		// their first tables and a released Scorer keeps grown ones
		{ID: "l", Kind: entity.KindOrganization, Name: "Pyongyang Ryonbong General Trading Machinery Export Import Corporation Namhung Chongchongang Sinhung Kwangmyong Haegumgang",
			Aliases: []entity.Alias{{Name: "Korea Kumsan Daesong Mining Tanchon Commercial Bank Kwangson Ilsim Amnokgang Development Company"},
				{Name: "Hesong Trading Sobaeksu Unha Paeksol Namchongang Kyongsong Ponghwa Hyoksin Wonyang"}}},
	}
	queries := []Query{
		{Name: "Ali Hasan Mahmud", DOB: "1961", Country: "IQ", Kind: "person"},
		{Name: "Foreign Trade Bank of the DPRK (FTB)"},
		{Name: "Korea Songi Ltd; Chon Ma San Shipping Co"},
		{Name: "CHONMASAN", IMO: "8660313", Kind: "vessel"},
		{Name: "Li Ming (Beijing branch)", IDs: []string{"G12345678"}},
		{Name: "Mahmoud Hassan Ali Abdul Rahman Al Tikriti Bin Saleh Ibrahim Yusuf"},
		{Name: "mukhabarat"},
		{Name: "Ryonbong Kwangmyong Haegumgang Trading Namhung Export Sinhung Machinery Pyongyang Corporation Import Chongchongang General"},
		{Name: "Korea Kumsan Daesong Tanchon Kwangson Amnokgang Hesong Sobaeksu Unha Paeksol Kyongsong Ponghwa Hyoksin Wonyang Ilsim"},
	}
	nameSets := make([][]Name, len(ents))
	for i := range ents {
		nameSets[i] = EntityNames(&ents[i])
	}
	score := func(q Query, release bool) []Result {
		s := NewScorer(q)
		var rs []Result
		for i := range ents {
			rs = append(rs, s.Score(&ents[i], nameSets[i]))
			_ = s.Quick(&ents[i], nameSets[i])
		}
		if release {
			s.Release()
			s.Release() // a second Release must not put it in the pool twice
		}
		return rs
	}
	want := make([][]Result, len(queries))
	for i, q := range queries {
		want[i] = score(q, false)
	}
	for round := 0; round < 20; round++ {
		for k := range queries {
			i := (k*(round+3) + round) % len(queries)
			got := score(queries[i], true)
			for j := range got {
				if !reflect.DeepEqual(got[j], want[i][j]) {
					t.Fatalf("round %d, query %q, entity %s: reused scorer gave %+v, fresh one %+v",
						round, queries[i].Name, ents[j].ID, got[j], want[i][j])
				}
			}
		}
	}
}

// TestQuickAboveAgreesWithQuick checks QuickAbove, which sets aside names
// that cannot reach its threshold, against Quick on names of every shape
// (persons with qualifiers, organisations with legal forms and acronyms,
// merged and split tokens, vessels with identifiers); eval's test of the
// same name runs it on the real lists.
func TestQuickAboveAgreesWithQuick(t *testing.T) {
	ents := []entity.Entity{
		{ID: "p", Kind: entity.KindPerson, Name: "Ali Hassan Mahmoud", BirthDates: []entity.Date{"1961-03-04"}, Countries: []entity.Country{{Code: "IQ", Role: entity.RoleNationality}},
			Aliases: []entity.Alias{{Name: "Mahmoud, Ali", Strength: entity.StrengthWeak}, {Name: "Ali Hassan al-Mahmudi"}}},
		{ID: "o", Kind: entity.KindOrganization, Name: "Korea Ryonbong General Corporation", Aliases: []entity.Alias{{Name: "KRGC"}, {Name: "Ryon Bong Trading Co., Ltd."}}},
		{ID: "b", Kind: entity.KindOrganization, Name: "FOREIGN TRADE BANK (FTB)", Countries: []entity.Country{{Code: "KP"}}},
		{ID: "v", Kind: entity.KindVessel, Name: "CHON MA SAN", Identifiers: []entity.Identifier{{Type: entity.IDIMO, Value: "8660313"}}},
		{ID: "k", Kind: entity.KindPerson, Name: "Kim Jong Un", BirthDates: []entity.Date{"1984-01-08"}},
		{ID: "s", Kind: entity.KindPerson, Name: "Sergei Viktorovich Lavrov"},
	}
	queries := []Query{
		{Name: "Ali Hasan Mahmud", DOB: "1961", Country: "IQ", Kind: "person"},
		{Name: "Mahmoud Ali Hassan Saleh"},
		{Name: "Ryonbong General Corp"},
		{Name: "Korea Ryon Bong General Trading Corporation Ltd"},
		{Name: "KRGC"},
		{Name: "Foreign Trade Bank of the DPRK", Country: "North Korea"},
		{Name: "CHONMASAN", IMO: "8660313", Kind: "vessel"},
		{Name: "Chon Ma San Shipping Co", Kind: "vessel", IMO: "9999999"},
		{Name: "Kim Jong-un", DOB: "1984"},
		{Name: "Kim Jong Il"},
		{Name: "Sergey Lavrov", Country: "RU"},
		{Name: "Lavrov Sergei Viktorovich Ivanov"},
		{Name: "Acme Industrial Supplies Ltd"},
	}
	for _, q := range queries {
		for i := range ents {
			ns := EntityNames(&ents[i])
			want := NewScorer(q).Quick(&ents[i], ns)
			for _, min := range []float64{0.2, 0.4, 0.6, 0.75, 0.9, 1} {
				s := NewScorer(q)
				got := s.QuickAbove(&ents[i], ns, min)
				if again := s.Quick(&ents[i], ns); again != want {
					t.Errorf("%q ~ %s: Quick after QuickAbove(%.2f) = %.4f, alone %.4f", q.Name, ents[i].ID, min, again, want)
				}
				if (want >= min && got != want) || (want < min && got >= min) {
					t.Errorf("%q ~ %s: QuickAbove(%.2f) = %.4f, Quick = %.4f", q.Name, ents[i].ID, min, got, want)
				}
			}
		}
	}
}

// TestPrunedAlignmentKeepsContradiction checks the other half of what
// setting a name aside promises: an alignment stopped early says it may
// contradict the query whenever the full alignment does, so that bestName
// then aligns the entity's names in full ("Ahmed Khalfan Sainovic Petrovic
// Ivanovic" contradicts "Ahmed Khalfan Ghailani", which drops the discount
// its alias "Khalfan, Ahmed" would give), at every threshold.
func TestPrunedAlignmentKeepsContradiction(t *testing.T) {
	ents := []entity.Entity{
		{ID: "g", Kind: entity.KindPerson, Name: "Ahmed Khalfan Ghailani", Aliases: []entity.Alias{{Name: "Khalfan, Ahmed"}}},
		{ID: "p", Kind: entity.KindPerson, Name: "Ali Hassan Mahmoud", Aliases: []entity.Alias{{Name: "Ali Hassan al-Mahmudi"}}},
		{ID: "o", Kind: entity.KindOrganization, Name: "Korea Ryonbong General Corporation", Aliases: []entity.Alias{{Name: "Ryon Bong Trading Co., Ltd."}}},
		{ID: "s", Kind: entity.KindPerson, Name: "Sergei Viktorovich Lavrov"},
	}
	queries := []string{
		"Ahmed Khalfan Sainovic", "Ahmed Khalfan Sainovic Petrovic", "Ahmed Khalfan Sainovic Petrovic Ivanovic",
		"Khalfan Ahmed Bogdanovic Radovanovic Milosevic", "Ali Hassan Saleh Omar Farouk", "Mahmoud Ali Hassan Saleh",
		"Korea Ryonbong Mining Export Import Company", "Lavrov Sergei Petrovich Ivanov Sidorov",
	}
	checked := 0
	for _, qn := range queries {
		for i := range ents {
			for _, n := range EntityNames(&ents[i]) {
				for _, person := range []bool{true, false} {
					full := NewScorer(Query{Name: qn}).align(&n, person, person, false, 0)
					for need := 0.30; need < 1; need += 0.05 {
						al := NewScorer(Query{Name: qn}).align(&n, person, person, false, need)
						if !al.pruned {
							continue
						}
						checked++
						if full.score >= need {
							t.Errorf("%q ~ %q (person %v): set aside at %.2f, scores %.4f", qn, n.Text, person, need, full.score)
						}
						if full.contradicts && !al.contradicts {
							t.Errorf("%q ~ %q (person %v): set aside at %.2f without its contradiction", qn, n.Text, person, need)
						}
					}
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no alignment was set aside")
	}
}

// TestLongNamePairsAreTheMasksPairs checks that the candidate pairs of an
// entity name of 64 tokens or more (compared 64 entity tokens at a time,
// filteredPairsLong) are those the token masks give a shorter name, in
// the same order, and that pairs beyond the 64th token are found.
func TestLongNamePairsAreTheMasksPairs(t *testing.T) {
	names := []string{"Korea Ryonbong General Corporation", "Ryon Bong Trading Co., Ltd.", "Ahmed Khalfan Ghailani",
		"KRGC", "Foreign Trade Bank of the DPRK", "Jean-Claude Juncker", "Chon Ma San Shipping Co", "People's Liberation Army"}
	queries := []string{"Ryonbong General Corp", "Korea Ryon Bong General Trading Corporation Ltd", "JC Juncker", "PLA",
		"Foreign Trade Bank", "chonmasan shipping", "Ahmed Khalfan Sainovic", "K.R.G.C.", "Ryonbong Ryonbang Chonmasan"}
	long := func(s *Scorer, n *Name, person, anyPerson bool) []edge {
		edges, singles, mergedEnd := s.filteredPairsLong(n, person)
		edges = s.appendAcronyms(n, anyPerson, edges)
		return append([]edge(nil), s.similarities(n, edges, singles, mergedEnd)...)
	}
	for _, qn := range queries {
		for _, text := range names {
			n := NewName(text, "", Analyze(text))
			for _, person := range []bool{true, false} {
				s := NewScorer(Query{Name: qn})
				masks, _ := s.candidatePairs(&n, person, person, 0)
				want := append([]edge(nil), masks...)
				if got := long(NewScorer(Query{Name: qn}), &n, person, person); !reflect.DeepEqual(got, want) {
					t.Errorf("%q ~ %q (person %v): long pairs %v, masks %v", qn, text, person, got, want)
				}
			}
		}
	}
	// 70 tokens, the query's words from the 67th on
	text := ""
	for i := range 66 {
		text += "Filler" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + " "
	}
	text += "Ryonbong General Trading Corporation"
	n := NewName(text, "", Analyze(text))
	if got := len(n.Analysis.Tokens); got < 64 {
		t.Fatalf("long name has %d tokens", got)
	}
	s := NewScorer(Query{Name: "Ryon Bong General Trading"})
	edges, _ := s.candidatePairs(&n, false, false, 0)
	found := map[[4]int32]bool{}
	for _, e := range edges {
		found[[4]int32{e.qi, e.qn, e.cj, e.cn}] = true
	}
	for _, want := range [][4]int32{{0, 2, 66, 1}, {2, 1, 67, 1}, {3, 1, 68, 1}} {
		if !found[want] {
			t.Errorf("long name: pair %v (query token, count, entity token, count) missing from %v", want, edges)
		}
	}
}
