package screen.rules.dprk_services_test

import data.screen.rules.dprk_services as rules

party_route := {
	"from_dprk": false, "to_dprk": false, "evidence": [], "from_evidence": [], "to_evidence": [], "dprk_parties": [1],
}

no_route := {"from_dprk": false, "to_dprk": false, "evidence": [], "from_evidence": [], "to_evidence": [], "dprk_parties": []}

cat(id, measure, matched_by, confidence) := {
	"id": id, "title": id, "direction": "both", "measure": measure,
	"citation": sprintf("citation of %s", [id]), "confidence": confidence, "matched_by": matched_by,
}

line(desc, cats) := {"line": 0, "description": desc, "categories": [c.id | some c in cats], "details": cats}

labour := line("Supply of dispatched workers", [cat("dprk.services.labour", "ban", "description:dispatched workers", 0.95)])

test_labour_with_dprk_party_blocks if {
	some r in rules.deny with input as {"goods": [labour], "route": party_route}
	r.rule == "dprk.services.prohibited"
	r.citation == "citation of dprk.services.labour"
	r.evidence == ["goods[0]", "parties[1]"]
}

test_labour_label_does_not_matter if {
	trainees := line("Technology exchange, 40 trainees", [cat("dprk.services.labour", "ban", "description:technology exchange", 0.95)])
	some r in rules.deny with input as {"goods": [trainees], "route": party_route}
	r.rule == "dprk.services.prohibited"
}

test_labour_without_dprk_nexus_is_silent if {
	count(rules.deny) == 0 with input as {"goods": [labour], "route": no_route}
	count(rules.warn) == 0 with input as {"goods": [labour], "route": no_route}
}

test_labour_with_dprk_route_blocks if {
	route := object.union(no_route, {"to_dprk": true, "to_evidence": ["route.destination_country"], "evidence": ["route.destination_country"]})
	some r in rules.deny with input as {"goods": [labour], "route": route}
	r.evidence == ["goods[0]", "route.destination_country"]
}

test_financial_reviews if {
	lc := line("Letter of credit confirmation", [cat("dprk.services.financial", "review", "description:letter of credit", 0.76)])
	count(rules.deny) == 0 with input as {"goods": [lc], "route": party_route}
	some r in rules.warn with input as {"goods": [lc], "route": party_route}
	r.rule == "dprk.services.review"
}

test_processing_on_commission_reviews if {
	poc := line("processed on commission", [cat("dprk.services.processing_on_commission", "review", "description:processed on commission", 0.5)])
	some r in rules.warn with input as {"goods": [poc], "route": party_route}
	r.rule == "dprk.services.review"
}

test_fishing_rights_need_supply_side if {
	fr := line("Fishing rights", [object.union(cat("dprk.services.fishing_rights", "ban", "description:fishing rights", 0.8), {"direction": "import_from_dprk"})])
	from := object.union(no_route, {"from_dprk": true, "from_evidence": ["parties[0]"], "evidence": ["parties[0]"]})
	some r in rules.deny with input as {"goods": [fr], "route": from}
	r.rule == "dprk.services.prohibited"
	count(rules.deny) == 0 with input as {"goods": [fr], "route": no_route}
}

test_exemption_reviews if {
	route := object.union(party_route, {"exemption_ref": "committee approval: 1718/JV/2026/2"})
	count(rules.deny) == 0 with input as {"goods": [labour], "route": route}
	some r in rules.warn with input as {"goods": [labour], "route": route}
	r.rule == "dprk.services.exempted"
}
