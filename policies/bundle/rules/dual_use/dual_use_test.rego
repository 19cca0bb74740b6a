package screen.rules.dual_use_test

import data.screen.rules.dual_use as rules

to_route := {
	"from_dprk": false, "to_dprk": true, "evidence": ["route.destination_country", "route.port_of_discharge"],
	"from_evidence": [], "to_evidence": ["route.destination_country", "route.port_of_discharge"], "dprk_parties": [],
}

from_route := {
	"from_dprk": true, "to_dprk": false, "evidence": ["route.origin_country"],
	"from_evidence": ["route.origin_country"], "to_evidence": [], "dprk_parties": [],
}

no_route := {"from_dprk": false, "to_dprk": false, "evidence": [], "from_evidence": [], "to_evidence": [], "dprk_parties": []}

cat(id, measure, matched_by, confidence) := {
	"id": id, "title": id, "direction": "both", "measure": measure,
	"citation": sprintf("citation of %s", [id]), "confidence": confidence, "matched_by": matched_by,
}

line(hs, desc, cats) := {"line": 0, "hs": hs, "description": desc, "categories": [c.id | some c in cats], "details": cats}

alumina := line("281820", "Aluminium oxide (calcined alumina) powder", [cat("dual_use.aluminium_oxide", "review", "hs:2818.20", 0.5)])

alcl3 := line("282732", "Aluminium chloride", [cat("dual_use.aluminium_chloride", "ban", "hs:2827.32", 0.95)])

test_alumina_to_dprk_reviews_not_blocks if {
	count(rules.deny) == 0 with input as {"goods": [alumina], "route": to_route}
	some r in rules.warn with input as {"goods": [alumina], "route": to_route}
	r.rule == "dual_use.concern"
	r.citation == "citation of dual_use.aluminium_oxide"
	contains(r.msg, "supplied to the DPRK")
	r.evidence == ["goods[0]", "route.destination_country", "route.port_of_discharge"]
}

test_list_chemical_to_dprk_blocks if {
	some r in rules.deny with input as {"goods": [alcl3], "route": to_route}
	r.rule == "dual_use.list_item"
}

test_list_item_from_dprk_blocks if {
	some r in rules.deny with input as {"goods": [alcl3], "route": from_route}
	contains(r.msg, "procured from the DPRK")
	r.evidence == ["goods[0]", "route.origin_country"]
}

test_no_dprk_route_is_silent if {
	count(rules.deny) == 0 with input as {"goods": [alcl3, alumina], "route": no_route}
	count(rules.warn) == 0 with input as {"goods": [alcl3, alumina], "route": no_route}
}

test_weak_description_reviews if {
	weak := line("", "magnet rings", [cat("dual_use.alnico_magnets", "ban", "description:ring magnets", 0.7)])
	count(rules.deny) == 0 with input as {"goods": [weak], "route": to_route}
	some r in rules.warn with input as {"goods": [weak], "route": to_route}
	r.rule == "dual_use.concern"
}

test_exemption_reviews if {
	route := object.union(to_route, {"exemption_ref": "exemption: 1718/2026/3"})
	count(rules.deny) == 0 with input as {"goods": [alcl3], "route": route}
	some r in rules.warn with input as {"goods": [alcl3], "route": route}
	r.rule == "dual_use.exempted"
}
