package screen.rules.dprk_goods_import_test

import data.screen.rules.dprk_goods_import as rules

from_route := {
	"from_dprk": true, "to_dprk": false,
	"evidence": ["parties[0]", "route.origin_country", "route.port_of_loading"],
	"from_evidence": ["route.origin_country", "route.port_of_loading", "parties[0]"],
	"to_evidence": [], "origin_country": "KP", "dprk_port_of_loading": "Nampo", "dprk_parties": [0],
}

rajin_route := {
	"from_dprk": true, "to_dprk": false,
	"evidence": ["route.port_of_loading"], "from_evidence": ["route.port_of_loading"], "to_evidence": [],
	"origin_country": "RU", "dprk_port_of_loading": "Rajin", "dprk_parties": [],
}

no_route := {"from_dprk": false, "to_dprk": false, "evidence": [], "from_evidence": [], "to_evidence": [], "dprk_parties": []}

cat(id, measure, matched_by, confidence) := {
	"id": id, "title": id, "direction": "import_from_dprk", "measure": measure,
	"citation": sprintf("citation of %s", [id]), "confidence": confidence, "matched_by": matched_by,
}

line(hs, desc, cats) := {"line": 0, "hs": hs, "description": desc, "categories": [c.id | some c in cats], "details": cats}

coal := line("270112", "Anthracite coal", [cat("dprk.import.coal", "ban", "hs:2701", 0.95)])

test_coal_from_dprk_blocks if {
	some r in rules.deny with input as {"goods": [coal], "route": from_route}
	r.rule == "dprk.goods.import_ban"
	r.citation == "citation of dprk.import.coal"
	r.evidence == ["goods[0]", "parties[0]", "route.origin_country", "route.port_of_loading"]
	contains(r.msg, "procured from the DPRK")
}

test_no_dprk_route_is_silent if {
	count(rules.deny) == 0 with input as {"goods": [coal], "route": no_route}
	count(rules.warn) == 0 with input as {"goods": [coal], "route": no_route}
}

test_export_direction_is_not_an_import if {
	to := object.union(no_route, {"to_dprk": true, "to_evidence": ["route.destination_country"]})
	count(rules.deny) == 0 with input as {"goods": [coal], "route": to}
}

test_rajin_foreign_coal_reviews_not_blocks if {
	count(rules.deny) == 0 with input as {"goods": [coal], "route": rajin_route}
	some r in rules.warn with input as {"goods": [coal], "route": rajin_route}
	r.rule == "dprk.goods.rajin_coal_transit"
	contains(r.msg, "RU")
	contains(r.msg, "no notification reference")
}

test_rajin_with_notification_reference_shown if {
	route := object.union(rajin_route, {"notification_ref": "notification: 1718/RJ/2026/04"})
	some r in rules.warn with input as {"goods": [coal], "route": route}
	r.rule == "dprk.goods.rajin_coal_transit"
	contains(r.msg, "1718/RJ/2026/04")
}

test_rajin_dprk_origin_coal_blocks if {
	route := object.union(rajin_route, {"origin_country": "KP", "from_evidence": ["route.origin_country", "route.port_of_loading"]})
	some r in rules.deny with input as {"goods": [coal], "route": route}
	r.rule == "dprk.goods.import_ban"
}

test_rajin_dprk_shipper_blocks if {
	route := object.union(rajin_route, {"from_evidence": ["route.port_of_loading", "parties[0]"]})
	some r in rules.deny with input as {"goods": [coal], "route": route}
	r.rule == "dprk.goods.import_ban"
}

test_other_dprk_port_coal_blocks if {
	route := object.union(rajin_route, {"dprk_port_of_loading": "Nampo"})
	some r in rules.deny with input as {"goods": [coal], "route": route}
	r.rule == "dprk.goods.import_ban"
}

test_rajin_exemption_only_for_coal if {
	iron := line("260111", "Iron ore", [cat("dprk.import.iron", "ban", "hs:2601", 0.95)])
	some r in rules.deny with input as {"goods": [iron], "route": rajin_route}
	r.rule == "dprk.goods.import_ban"
}

test_rajin_review_can_be_switched_off if {
	some r in rules.deny with input as {"goods": [coal], "route": rajin_route}
		with data.screen.params.dprk_goods_import.rajin_transit_review as false
	r.rule == "dprk.goods.import_ban"
}

test_review_measure_reviews if {
	wigs := line("670420", "False eyelashes", [cat("dprk.import.hair_products", "review", "hs:6704", 0.95)])
	count(rules.deny) == 0 with input as {"goods": [wigs], "route": from_route}
	some r in rules.warn with input as {"goods": [wigs], "route": from_route}
	r.rule == "dprk.goods.import_review"
	r.citation == "citation of dprk.import.hair_products"
	contains(r.msg, "measure: review")
}

test_weak_description_match_reviews if {
	weak := line("", "crab-like things", [cat("dprk.import.seafood", "ban", "description:crab", 0.6)])
	count(rules.deny) == 0 with input as {"goods": [weak], "route": from_route}
	some r in rules.warn with input as {"goods": [weak], "route": from_route}
	r.rule == "dprk.goods.import_review"
	contains(r.msg, "confidence 0.6")
}

test_strong_description_match_blocks if {
	crab := line("", "Frozen crab", [cat("dprk.import.seafood", "ban", "description:crab", 0.95)])
	some r in rules.deny with input as {"goods": [crab], "route": from_route}
	r.rule == "dprk.goods.import_ban"
	contains(r.msg, "\"Frozen crab\"")
}

test_description_threshold_is_policy_data if {
	crab := line("", "Frozen crab", [cat("dprk.import.seafood", "ban", "description:crab", 0.95)])
	count(rules.deny) == 0 with input as {"goods": [crab], "route": from_route}
		with data.screen.params.dprk.description_block_min as 0.99
}

test_exemption_downgrades_to_review if {
	route := object.union(from_route, {"exemption_ref": "committee_exemption: 1718/HUM/2026/1", "exemption_evidence": "fields[19]"})
	count(rules.deny) == 0 with input as {"goods": [coal], "route": route}
	some r in rules.warn with input as {"goods": [coal], "route": route}
	r.rule == "dprk.goods.import_exempted"
	r.evidence == ["goods[0]", "parties[0]", "route.origin_country", "route.port_of_loading", "fields[19]"]
	contains(r.msg, "1718/HUM/2026/1")
	contains(r.citation, "para 25")
}

test_unlisted_goods_from_dprk_review if {
	tea := line("090230", "Black tea", [])
	some r in rules.warn with input as {"goods": [tea], "route": from_route}
	r.rule == "dprk.goods.import_unlisted"
	r.evidence == ["goods[0]", "route.origin_country", "route.port_of_loading", "parties[0]"]
}

test_unlisted_ignores_export_only_categories if {
	rice := line("100630", "Rice", [object.union(cat("dprk.export.food_medicine", "permitted", "hs:10", 0.95), {"direction": "export_to_dprk"})])
	some r in rules.warn with input as {"goods": [rice], "route": from_route}
	r.rule == "dprk.goods.import_unlisted"
}

test_unlisted_silent_when_a_measure_applies if {
	alumina := line("281820", "Alumina", [object.union(cat("dual_use.aluminium_oxide", "review", "hs:2818.20", 0.5), {"direction": "both"})])
	ws := rules.warn with input as {"goods": [alumina], "route": from_route}
	every r in ws {
		r.rule != "dprk.goods.import_unlisted"
	}
}

test_unlisted_can_be_switched_off if {
	tea := line("090230", "Black tea", [])
	count(rules.warn) == 0 with input as {"goods": [tea], "route": from_route}
		with data.screen.params.dprk_goods_import.review_unlisted as false
}

test_label_without_hs if {
	g := {"line": 0, "description": "Anthracite", "categories": ["dprk.import.coal"], "details": [cat("dprk.import.coal", "ban", "description:anthracite", 0.95)]}
	some r in rules.deny with input as {"goods": [g], "route": from_route}
	startswith(r.msg, "goods[0] \"Anthracite\"")
}
