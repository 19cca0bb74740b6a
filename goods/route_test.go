package goods

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/screen-compliance/screen/country"
	"github.com/screen-compliance/screen/internal/asciitext"
	"github.com/screen-compliance/screen/record"
)

func TestDPRKPlace(t *testing.T) {
	tests := map[string]string{
		"Nampo": "Nampo", "NAMP'O": "Nampo", "Nam-po": "Nampo", "Nampho": "Nampo", "Chinnampo": "Nampo",
		"Rajin": "Rajin", "Najin": "Rajin", "Rason": "Rajin", "Rajin-Sonbong": "Rajin", "Ra-jin port": "Rajin",
		"Chongjin": "Chongjin", "Ch'ŏngjin": "Chongjin", "Sinuiju": "Sinuiju", "Sinŭiju": "Sinuiju",
		"Sin-uiju": "Sinuiju", "Hungnam": "Hungnam", "Hŭngnam": "Hungnam", "Wonsan": "Wonsan", "Wŏnsan": "Wonsan",
		"Haeju": "Haeju", "Songnim": "Songnim", "Songrim": "Songnim", "Pyongyang": "Pyongyang",
		"P'yŏngyang": "Pyongyang", "Kimchaek": "Kimchaek", "Kim Chaek": "Kimchaek", "port of Ch'ongjin, DPRK": "Chongjin",
		"KPNAM": "DPRK", "KP NJN": "DPRK", "Nampo, North Korea": "Nampo", "some port, KP": "DPRK",
		"North Korea": "DPRK", "D.P.R.K.": "DPRK",
		"Busan": "", "Pusan, KR": "", "Dalian": "", "Dandong": "", "Taean": "", "Korea": "", "Seoul": "",
		"KR PUS": "", "kpmg": "", "": "", "Ningbo": "", "Vladivostok": "", "Hunchun": "",
		"Chosun Hotel": "", "Konan, Aichi": "", "Namyang Dairy": "", "Sunan County, Gansu": "",
	}
	for in, want := range tests {
		if got := DPRKPlace(in); got != want {
			t.Errorf("DPRKPlace(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRouteDirection(t *testing.T) {
	party := func(role, name, ctry string) record.Party { return record.Party{Role: role, Name: name, Country: ctry} }
	tests := []struct {
		name     string
		rec      record.Record
		to, from bool
		evidence []string
		loadPort string
		origin   string
	}{
		{
			name: "coal from Nampo to Ningbo",
			rec: record.Record{
				Parties: []record.Party{party("shipper", "Taean Mining Export Corporation", "KP"), party("consignee", "Ningbo Haitong", "CN")},
				Route:   record.Route{Origin: "KP", Destination: "CN", PortOfLoading: "Nampo", PortOfDischarge: "Ningbo"},
			},
			from: true, evidence: []string{"parties[0]", "route.origin_country", "route.port_of_loading"}, loadPort: "Nampo", origin: "KP",
		},
		{
			name: "alumina from Dalian to Nampo",
			rec: record.Record{
				Parties: []record.Party{party("shipper", "Dandong Xinhe", "CN"), party("consignee", "Pyongyang Sonbong", "KP")},
				Route:   record.Route{Origin: "CN", Destination: "KP", PortOfLoading: "Dandong", PortOfDischarge: "Nampo"},
			},
			to: true, evidence: []string{"parties[1]", "route.destination_country", "route.port_of_discharge"}, origin: "CN",
		},
		{
			name: "Chinese-origin goods loaded in Nampo are procured from the DPRK",
			rec:  record.Record{Route: record.Route{Origin: "China", Destination: "Japan", PortOfLoading: "Namp'o"}},
			from: true, evidence: []string{"route.port_of_loading"}, loadPort: "Nampo", origin: "CN",
		},
		{
			name: "EU machinery to a Chinese buyer, re-exported via Sinuiju",
			rec: record.Record{
				Parties: []record.Party{party("shipper", "Mueller GmbH", "DE"), party("consignee", "Dandong Trading", "CN")},
				Route:   record.Route{Origin: "DE", Destination: "CN", Transshipment: []string{"Dalian", "Sinuiju"}},
			},
			to: true, from: true, evidence: []string{"route.transshipment[1]"}, origin: "DE",
		},
		{
			name: "final destination named by a DPRK city",
			rec:  record.Record{Route: record.Route{Origin: "DE", Destination: "Pyongyang"}},
			to:   true, evidence: []string{"route.destination_country"}, origin: "DE",
		},
		{
			name: "notify party in the DPRK",
			rec:  record.Record{Parties: []record.Party{party("notify_party", "Korea Ryonbong", "Korea, North")}, Route: record.Route{Origin: "CN", Destination: "CN"}},
			to:   true, evidence: []string{"parties[0]"}, origin: "CN",
		},
		{
			name: "seller in the DPRK, no route",
			rec:  record.Record{Parties: []record.Party{party("seller", "Sinuiju Garment Factory", "")}},
			from: true, evidence: []string{"parties[0]"},
		},
		{
			name: "Russian coal through Rajin",
			rec:  record.Record{Route: record.Route{Origin: "RU", Destination: "CN", PortOfLoading: "Rajin"}},
			from: true, evidence: []string{"route.port_of_loading"}, loadPort: "Rajin", origin: "RU",
		},
		{
			name:     "a LOCODE-like party name is not a place",
			rec:      record.Record{Parties: []record.Party{party("consignee", "KP ABC Holdings", "")}},
			evidence: []string{},
		},
		{
			name: "no DPRK nexus",
			rec: record.Record{
				Parties: []record.Party{party("shipper", "Baltic Timber", "EE"), party("consignee", "Nordic Pulp", "SE")},
				Route:   record.Route{Origin: "EE", Destination: "SE", PortOfLoading: "Tallinn", PortOfDischarge: "Gothenburg"},
			},
			evidence: []string{}, origin: "EE",
		},
		{
			name:     "South Korea is not the DPRK",
			rec:      record.Record{Parties: []record.Party{party("consignee", "Hyundai", "Korea")}, Route: record.Route{Destination: "Republic of Korea", PortOfDischarge: "Busan"}},
			evidence: []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Route(&tt.rec)
			if f.ToDPRK != tt.to || f.FromDPRK != tt.from {
				t.Errorf("to=%v from=%v, want to=%v from=%v (notes %v)", f.ToDPRK, f.FromDPRK, tt.to, tt.from, f.Notes)
			}
			if !slices.Equal(f.Evidence, tt.evidence) {
				t.Errorf("evidence %v, want %v", f.Evidence, tt.evidence)
			}
			if f.DPRKPortOfLoading != tt.loadPort || f.OriginCountry != tt.origin {
				t.Errorf("loading port %q origin %q, want %q %q", f.DPRKPortOfLoading, f.OriginCountry, tt.loadPort, tt.origin)
			}
			if f.Involved() != (tt.to || tt.from) {
				t.Error("Involved disagrees with to/from")
			}
			if (tt.to || tt.from) && len(f.Notes) == 0 {
				t.Error("no notes explain the direction")
			}
		})
	}
}

func TestRouteVesselsIndicatorsExemption(t *testing.T) {
	rec := &record.Record{
		Parties: []record.Party{
			{Role: "shipper", Name: "Dalian Xinrun", Country: "CN"},
			{Role: "vessel", Name: "CHON MA SAN", Country: "DPRK", IMO: "8660313"},
		},
		Goods:  []record.GoodsLine{{Description: "Diesel, ship-to-ship transfer in Korea Bay"}},
		Fields: []record.Field{{Column: "committee_exemption", Value: "1718/HUM/2024/031"}, {Column: "remarks", Value: ""}},
	}
	f := Route(rec)
	if !f.VesselFlagDPRK || !slices.Equal(f.VesselParties, []int{1}) {
		t.Errorf("vessel flag: %v %v", f.VesselFlagDPRK, f.VesselParties)
	}
	if f.ToDPRK || f.FromDPRK {
		t.Error("a DPRK flag alone is not a direction")
	}
	if !slices.Equal(f.Indicators, []string{"ship_to_ship"}) {
		t.Errorf("indicators %v", f.Indicators)
	}
	if f.ExemptionRef != "committee_exemption: 1718/HUM/2024/031" || f.ExemptionEvidence != "fields[0]" {
		t.Errorf("exemption %q at %q", f.ExemptionRef, f.ExemptionEvidence)
	}
	// Exemption in free text; "none" in an exemption column is no reference.
	rec = &record.Record{
		Fields: []record.Field{{Column: "exemption", Value: "none"}, {Column: "remarks", Value: "Shipped under 1718 Committee exemption 2024/17; see letter"}},
	}
	if f := Route(rec); f.ExemptionRef != "1718 Committee exemption 2024/17" || f.ExemptionEvidence != "fields[1]" {
		t.Errorf("free-text exemption %q at %q", f.ExemptionRef, f.ExemptionEvidence)
	}
	// A national export licence is not a UN exemption; a notification
	// reference is kept apart.
	rec = &record.Record{Fields: []record.Field{{Column: "export_licence", Value: "EL-2026-77"}, {Column: "committee_notification", Value: "RJ-2026-4"}, {Column: "advance_notice", Value: "x"}}}
	if f := Route(rec); f.ExemptionRef != "" || f.NotificationRef != "committee_notification: RJ-2026-4" {
		t.Errorf("licence/notification: exemption %q notification %q", f.ExemptionRef, f.NotificationRef)
	}
	if f := Route(&record.Record{Fields: []record.Field{{Column: "notes", Value: "STS is not planned"}}}); len(f.Indicators) != 1 {
		t.Errorf("STS mention must be surfaced for review: %v", f.Indicators)
	}
}

func TestRouteJSONContract(t *testing.T) {
	b, err := json.Marshal(Route(&record.Record{}))
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"to_dprk":false`, `"from_dprk":false`, `"evidence":[]`, `"dprk_parties":[]`, `"indicators":[]`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("RouteFacts JSON %s lacks %s", b, key)
		}
	}
	if f := Route(nil); f.Evidence == nil || f.Involved() {
		t.Errorf("Route(nil) = %+v", f)
	}
}

func FuzzRoute(f *testing.F) {
	f.Add("KP", "CN", "Nampo", "Ningbo", "Sinŭiju", "KP")
	f.Add("", "", "KP NAM", "", "", "")
	f.Add("Korea, North", "Pyongyang", "Ra-jin", "KPNJN", "Dalian", "North Korea")
	f.Fuzz(func(t *testing.T, origin, dest, pol, pod, via, ctry string) {
		rec := &record.Record{
			Parties: []record.Party{{Role: "shipper", Country: ctry, Name: via}, {Role: "vessel", Country: ctry}},
			Route:   record.Route{Origin: origin, Destination: dest, PortOfLoading: pol, PortOfDischarge: pod, Transshipment: []string{via}},
			Fields:  []record.Field{{Column: "exemption", Value: via}},
		}
		f := Route(rec)
		if (len(f.FromEvidence) > 0) != f.FromDPRK || (len(f.ToEvidence) > 0) != f.ToDPRK {
			t.Fatalf("evidence and direction disagree: %+v", f)
		}
		_ = DPRKPlace(pol)
	})
}

// TestScanFreePrefilterAgrees checks that the word prefilter of scanFree
// never hides a match of its regular expressions.
func TestScanFreePrefilterAgrees(t *testing.T) {
	texts := []string{
		"Ship-to-ship transfer off Nampo", "SHIP TO SHIP", "sts transfer", "STS", "lightering at anchor",
		"Lighterage", "mid-sea transfer", "At sea transfer", "transshipment at sea", "transhipment at   sea",
		"1718 Committee exemption ref. 2024/15", "1718 committee Approval no 7", "Humanitarian exemption HE-2023-04",
		"IAN no. 7 exemption", "ian7 exemption granted", "Pine logs", "CNC lathe", "Ocean freight", "Seafood",
		"ſhip to ſhip", "Sts-ŝip", "Ｓhip-to-ship", "",
	}
	for _, text := range texts {
		var got RouteFacts
		scanFree(text, record.Item(record.PtrFields, 0), &got)
		wantSTS := stsPattern.MatchString(text)
		wantEx := strings.TrimSpace(exemptionText.FindString(text))
		if (len(got.Indicators) > 0) != wantSTS || got.ExemptionRef != wantEx {
			t.Errorf("%q: indicators %v, exemption %q; the expressions say sts=%v exemption=%q", text, got.Indicators, got.ExemptionRef, wantSTS, wantEx)
		}
	}
}

// FuzzTextChecks: the allocation-free checks of scanText answer as the
// lower-casing ones they replace.
func FuzzTextChecks(f *testing.F) {
	for _, s := range []string{"N/A", "NONE", "CN", "ship", "1718 Committee", "Lighter", "İ", "K", "sea", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isNoValue(s), len(s) <= 5 && noValue[strings.ToLower(s)]; got != want {
			t.Fatalf("isNoValue(%q) = %v, want %v", s, got, want)
		}
		if got, want := dprkPlaceParts(s), slices.ContainsFunc(strings.FieldsFunc(s, func(r rune) bool {
			return r == ',' || r == '(' || r == ')' || r == '/' || r == ';'
		}), func(p string) bool { return country.IsDPRK(p) }); got != want {
			t.Fatalf("dprkPlaceParts(%q) = %v, want %v", s, got, want)
		}
		if !asciitext.IsASCII(s) {
			return
		}
		if got, want := fold(s), foldUnicode(s); got != want {
			t.Fatalf("fold(%q) = %q, want %q", s, got, want)
		}
		lower := strings.ToLower(s)
		for _, words := range []*asciitext.Words{stsWords, exemptionWords, exemptionColumns, notificationColumns} {
			want := false
			for _, w := range words.List() {
				want = want || strings.Contains(lower, w)
			}
			if got := words.ContainsAny(s); got != want {
				t.Fatalf("ContainsAny(%q) of %v = %v, want %v", s, words.List(), got, want)
			}
		}
	})
}
