package record

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestApplyLimits(t *testing.T) {
	long := strings.Repeat("a", 30000)
	words := strings.TrimSpace(strings.Repeat("Kim ", 40))
	tests := []struct {
		name      string
		rec       Record
		lim       Limits
		check     func(t *testing.T, r Record)
		truncated []string
	}{
		{
			name: "within limits",
			rec:  Record{Parties: []Party{{Name: "Korea Mining Development Trading Corporation"}}, Goods: []GoodsLine{{Description: "coal"}}},
		},
		{
			name: "long name",
			rec:  Record{Parties: []Party{{Role: "buyer", Name: "ok"}, {Role: "consignee", Name: long}}},
			check: func(t *testing.T, r Record) {
				if got := len(r.Parties[1].Name); got != DefaultNameChars {
					t.Errorf("name cut to %d bytes, want %d", got, DefaultNameChars)
				}
			},
			truncated: []string{"parties[1].name: 30000 characters, the first 512 screened"},
		},
		{
			name: "many words",
			rec:  Record{Parties: []Party{{Name: words}}},
			check: func(t *testing.T, r Record) {
				if got := len(strings.Fields(r.Parties[0].Name)); got != DefaultNameTokens {
					t.Errorf("name cut to %d words, want %d", got, DefaultNameTokens)
				}
			},
			truncated: []string{"parties[0].name: 40 words, the first 24 screened"},
		},
		{
			name: "characters counted, not bytes",
			rec:  Record{Parties: []Party{{Name: strings.Repeat("김", 600)}}},
			check: func(t *testing.T, r Record) {
				if got := len([]rune(r.Parties[0].Name)); got != 512 {
					t.Errorf("name cut to %d characters, want 512", got)
				}
			},
			truncated: []string{"parties[0].name: 600 characters, the first 512 screened"},
		},
		{
			name:      "parties and goods lines",
			rec:       Record{Parties: make([]Party, 40), Goods: make([]GoodsLine, 300)},
			truncated: []string{"parties: 40 parties, the first 32 screened", "goods: 300 lines, the first 256 screened"},
			check: func(t *testing.T, r Record) {
				if len(r.Parties) != 32 || len(r.Goods) != 256 {
					t.Errorf("%d parties, %d goods lines", len(r.Parties), len(r.Goods))
				}
			},
		},
		{
			name:      "description",
			rec:       Record{Goods: []GoodsLine{{Description: "x"}, {Description: strings.Repeat("anthracite ", 500)}}},
			truncated: []string{"goods[1].description: 5500 characters, the first 2000 classified"},
		},
		{
			name:      "own limits",
			rec:       Record{Parties: []Party{{Name: "Alpha Beta Gamma"}}},
			lim:       Limits{NameTokens: 2},
			truncated: []string{"parties[0].name: 3 words, the first 2 screened"},
			check: func(t *testing.T, r Record) {
				if r.Parties[0].Name != "Alpha Beta" {
					t.Errorf("name %q", r.Parties[0].Name)
				}
			},
		},
		{
			name:      "input cells",
			rec:       Record{Fields: []Field{{Column: "Remarks", Value: "ok"}, {Column: "Name", Value: long}}},
			truncated: []string{"fields[1] (Name): 30000 characters, the first 2000 screened"},
		},
		{
			name: "limits off",
			rec:  Record{Parties: []Party{{Name: long}}},
			lim:  Limits{NameChars: -1, NameTokens: -1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := tt.rec
			parties := append([]Party(nil), orig.Parties...)
			goods := append([]GoodsLine(nil), orig.Goods...)
			fields := append([]Field(nil), orig.Fields...)
			r := tt.rec
			r.ApplyLimits(tt.lim)
			if !reflect.DeepEqual(r.Truncated, tt.truncated) {
				t.Errorf("Truncated = %q, want %q", r.Truncated, tt.truncated)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
			// The caller's arrays are left as they were.
			if !reflect.DeepEqual(orig.Parties, parties) || !reflect.DeepEqual(orig.Goods, goods) || !reflect.DeepEqual(orig.Fields, fields) {
				t.Error("ApplyLimits wrote to the caller's arrays")
			}
			// Applying again cuts nothing more.
			again := r
			again.ApplyLimits(tt.lim)
			if !reflect.DeepEqual(again, r) {
				t.Errorf("second ApplyLimits changed the record: %q", again.Truncated)
			}
		})
	}
}

func TestWordsEnd(t *testing.T) {
	tests := []struct {
		s          string
		max        int
		end, words int
	}{
		{"", 2, 0, 0},
		{"a b", 2, 3, 2},
		{"a b c", 2, 3, 3},
		{"  a, b. c ", 2, 6, 3},
		{"O'Neil Ltd", 2, 6, 3},
	}
	for _, tt := range tests {
		end, words := wordsEnd(tt.s, tt.max)
		if end != tt.end || words != tt.words {
			t.Errorf("wordsEnd(%q, %d) = %d, %d; want %d, %d", tt.s, tt.max, end, words, tt.end, tt.words)
		}
	}
}

func TestFillEmptyListsWritesEmptyArrays(t *testing.T) {
	var d Decision
	d.FillEmptyLists()
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"reasons":[]`, `"matches":[]`, `"goods":[]`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %s", b, want)
		}
	}
	kept := Decision{Reasons: []Reason{{Rule: "r"}}}
	kept.FillEmptyLists()
	if len(kept.Reasons) != 1 || kept.Reasons[0].Rule != "r" {
		t.Errorf("reasons replaced: %+v", kept.Reasons)
	}
}
