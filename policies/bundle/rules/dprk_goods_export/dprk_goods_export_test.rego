package screen.rules.dprk_goods_export_test

import data.screen.rules.dprk_goods_export as rules

to_route := {
	"from_dprk": false, "to_dprk": true,
	"evidence": ["parties[1]", "route.destination_country", "route.port_of_discharge"],
	"from_evidence": [], "to_evidence": ["route.destination_country", "route.port_of_discharge", "parties[1]"],
	"destination_country": "KP", "dprk_parties": [1],
}

from_route := {
	"from_dprk": true, "to_dprk": false, "evidence": ["route.origin_country"],
	"from_evidence": ["route.origin_country"], "to_evidence": [], "dprk_parties": [],
}

cat(id, measure, matched_by, confidence) := {
	"id": id, "title": id, "direction": "export_to_dprk", "measure": measure,
	"citation": sprintf("citation of %s", [id]), "confidence": confidence, "matched_by": matched_by,
}

line(hs, desc, cats) := {"line": 0, "hs": hs, "description": desc, "categories": [c.id | some c in cats], "details": cats}

excavators := line("842952", "Hydraulic excavators", [cat("dprk.export.machinery", "ban", "hs:84", 0.95)])

aluminium := line("760110", "Aluminium ingots", [cat("dprk.export.metals", "ban", "hs:76", 0.95)])

test_machinery_to_dprk_blocks if {
	some r in rules.deny with input as {"goods": [excavators], "route": to_route}
	r.rule == "dprk.goods.export_ban"
	r.citation == "citation of dprk.export.machinery"
	r.evidence == ["goods[0]", "parties[1]", "route.destination_country", "route.port_of_discharge"]
}

test_aluminium_metal_blocks if {
	some r in rules.deny with input as {"goods": [aluminium], "route": to_route}
	contains(r.msg, "supplied to the DPRK")
}

test_import_direction_is_not_an_export if {
	count(rules.deny) == 0 with input as {"goods": [excavators], "route": from_route}
	count(rules.warn) == 0 with input as {"goods": [excavators], "route": from_route}
}

test_petroleum_and_luxury_left_to_their_families if {
	diesel := line("271019", "Diesel", [cat("dprk.export.refined_petroleum", "cap", "hs:2710", 0.95)])
	yacht := line("890399", "Yacht", [cat("dprk.export.luxury.vehicles_yachts", "ban", "hs:8903", 0.95)])
	count(rules.deny) == 0 with input as {"goods": [diesel, yacht], "route": to_route}
	count(rules.warn) == 0 with input as {"goods": [diesel, yacht], "route": to_route}
}

test_aircraft_parts_review if {
	parts := line("880730", "Aircraft spare parts", [cat("dprk.export.vehicles", "review", "hs:8807", 0.8)])
	count(rules.deny) == 0 with input as {"goods": [parts], "route": to_route}
	some r in rules.warn with input as {"goods": [parts], "route": to_route}
	r.rule == "dprk.goods.export_review"
}

test_weak_description_reviews if {
	weak := line("", "machine-ish", [cat("dprk.export.machinery", "ban", "description:machine", 0.5)])
	count(rules.deny) == 0 with input as {"goods": [weak], "route": to_route}
	some r in rules.warn with input as {"goods": [weak], "route": to_route}
	r.rule == "dprk.goods.export_review"
}

test_exemption_downgrades if {
	route := object.union(to_route, {"exemption_ref": "committee_exemption: 1718/HUM/2026/9"})
	count(rules.deny) == 0 with input as {"goods": [excavators], "route": route}
	some r in rules.warn with input as {"goods": [excavators], "route": route}
	r.rule == "dprk.goods.export_exempted"
	contains(r.msg, "1718/HUM/2026/9")
}

test_food_is_permitted if {
	sugar := line("170199", "White sugar", [cat("dprk.export.food_medicine", "permitted", "hs:17", 0.95)])
	count(rules.deny) == 0 with input as {"goods": [sugar], "route": to_route}
	count(rules.warn) == 0 with input as {"goods": [sugar], "route": to_route}
}

test_wool_gets_catch_all_review if {
	wool := line("510111", "Greasy wool", [object.union(cat("dprk.import.textiles", "ban", "hs:51", 0.8), {"direction": "import_from_dprk"})])
	count(rules.deny) == 0 with input as {"goods": [wool], "route": to_route}
	some r in rules.warn with input as {"goods": [wool], "route": to_route}
	r.rule == "dprk.goods.catch_all"
	r.evidence == ["goods[0]", "route.destination_country", "route.port_of_discharge", "parties[1]"]
}

test_unclassified_line_gets_catch_all if {
	some r in rules.warn with input as {"goods": [line("", "assorted goods", [])], "route": to_route}
	r.rule == "dprk.goods.catch_all"
}

test_catch_all_silent_when_a_family_handles_it if {
	diesel := line("271019", "Diesel", [cat("dprk.export.refined_petroleum", "cap", "hs:2710", 0.95)])
	count(rules.warn) == 0 with input as {"goods": [diesel], "route": to_route}
}

test_catch_all_can_be_switched_off if {
	count(rules.warn) == 0 with input as {"goods": [line("401120", "Tyres", [])], "route": to_route}
		with data.screen.params.dprk_goods_export.catch_all as false
}

test_human_hair_reviews if {
	hair := line("050100", "Human hair", [cat("dprk.export.hair_processing", "review", "hs:0501", 0.8)])
	count(rules.deny) == 0 with input as {"goods": [hair], "route": to_route}
	some r in rules.warn with input as {"goods": [hair], "route": to_route}
	r.rule == "dprk.goods.export_review"
}

test_transshipment_counts if {
	route := {
		"from_dprk": true, "to_dprk": true, "evidence": ["route.transshipment[1]"],
		"from_evidence": ["route.transshipment[1]"], "to_evidence": ["route.transshipment[1]"], "dprk_parties": [],
	}
	some r in rules.deny with input as {"goods": [excavators], "route": route}
	r.evidence == ["goods[0]", "route.transshipment[1]"]
}
