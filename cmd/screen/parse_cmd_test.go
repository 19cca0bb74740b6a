package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		contains []string
	}{
		{"table", []string{"parse", "../../testdata/input/shipments.csv"}, 0, []string{
			"csv, header on row 1, shipment rows", "Consignee Name     consignee",
			"vessel        Chong Chon Gang", "kind vessel  imo 7937317", "goods[1]      6704.20", "via Busan, Vladivostok"}},
		{"columns", []string{"parse", "--columns", "consignee=Name", "../../testdata/input/parties.csv"}, 0, []string{
			"shipment rows", "from --columns", "consignee  Kim Jong Sik"}},
		{"row errors exit 1", []string{"parse", "../../testdata/input/field_count.csv"}, 1, []string{
			"row 2  ERROR:", "2 cells, the header has 3"}},
		{"unreadable exits 2", []string{"parse", "../../testdata/input/empty.csv"}, 2, nil},
		{"bad format", []string{"parse", "-f", "xml", "../../testdata/input/parties.csv"}, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), append([]string{"screen", "-q"}, tt.args...), &out, &errOut)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tt.code, errOut.String())
			}
			for _, s := range tt.contains {
				if !strings.Contains(out.String(), s) {
					t.Errorf("output lacks %q:\n%s", s, out.String())
				}
			}
		})
	}
}

func TestParseCommandJSON(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"screen", "parse", "-f", "json", "--limit", "2", "../../testdata/input/shipments.json"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var doc struct {
		File    string `json:"file"`
		Mapping struct {
			Shape string `json:"shape"`
		} `json:"mapping"`
		Records []struct {
			ID      string `json:"id"`
			Parties []struct {
				Role string `json:"role"`
			} `json:"parties"`
		} `json:"records"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out.String())
	}
	if doc.Mapping.Shape != "shipment" || len(doc.Records) != 2 || doc.Records[1].ID != "J-2" || doc.Records[1].Parties[1].Role != "vessel" {
		t.Errorf("unexpected document %+v", doc)
	}
}
