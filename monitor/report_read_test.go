package monitor

import (
	"strings"
	"testing"
)

// TestReadReportShapes: a json report is read whole whether its envelope is
// on one line or many; jsonl is read line by line; a line that is no
// decision record is refused rather than read as an empty record.
func TestReadReportShapes(t *testing.T) {
	two := `{"id":"A","decision":"block"},{"id":"B","decision":"clear"}`
	for name, in := range map[string]string{
		"compact envelope": `{"summary":{"total":2},"results":[` + two + `],"flags":["--columns=name=Name"]}`,
		"pretty envelope":  "{\n  \"results\": [\n" + strings.ReplaceAll(two, "},{", "},\n{") + "\n  ],\n  \"flags\": [\"--columns=name=Name\"]\n}\n",
		"jsonl":            strings.ReplaceAll(two, "},{", "}\n{") + "\n",
	} {
		rep, err := ReadReport(strings.NewReader(in))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(rep.Decisions) != 2 || rep.Decisions[0].ID != "A" || rep.Decisions[1].Decision != "clear" {
			t.Errorf("%s: %d decisions %+v", name, len(rep.Decisions), rep.Decisions)
		}
		if name != "jsonl" && rep.Columns()["name"] != "Name" {
			t.Errorf("%s: flags not read: %v", name, rep.Flags)
		}
	}
	if _, err := ReadReport(strings.NewReader("{\"id\":\"A\",\"decision\":\"block\"}\n{\"total\":2}\n")); err == nil ||
		!strings.Contains(err.Error(), "line 2") {
		t.Errorf("a line that is no decision: %v", err)
	}
}
