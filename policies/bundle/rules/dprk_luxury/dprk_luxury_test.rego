package screen.rules.dprk_luxury_test

import data.screen.rules.dprk_luxury as rules

to_route := {
	"from_dprk": false, "to_dprk": true, "evidence": ["parties[1]"],
	"from_evidence": [], "to_evidence": ["parties[1]"], "dprk_parties": [1],
}

cat(id, measure, matched_by, confidence) := {
	"id": id, "title": id, "direction": "export_to_dprk", "measure": measure,
	"citation": sprintf("citation of %s", [id]), "confidence": confidence, "matched_by": matched_by,
}

line(hs, desc, cats) := {"line": 0, "hs": hs, "description": desc, "categories": [c.id | some c in cats], "details": cats}

rugs := line("570110", "Hand-knotted silk rugs", [cat("dprk.export.luxury.rugs", "ban", "hs:5701", 0.8)])

rec(value, currency, quantity, unit) := {"goods": [{"hs": "570110", "value": value, "currency": currency, "quantity": quantity, "unit": unit}]}

inp(g, r) := {"goods": [g], "route": to_route, "record": r}

test_yacht_blocks if {
	yacht := line("890392", "Motor yacht", [cat("dprk.export.luxury.vehicles_yachts", "ban", "hs:8903", 0.95)])
	some r in rules.deny with input as inp(yacht, {})
	r.rule == "dprk.luxury.ban"
	r.citation == "citation of dprk.export.luxury.vehicles_yachts"
	r.evidence == ["goods[0]", "parties[1]"]
}

test_not_to_dprk_is_silent if {
	yacht := line("890392", "Motor yacht", [cat("dprk.export.luxury.vehicles_yachts", "ban", "hs:8903", 0.95)])
	route := {"from_dprk": true, "to_dprk": false, "evidence": [], "from_evidence": ["route.origin_country"], "to_evidence": []}
	count(rules.deny) == 0 with input as {"goods": [yacht], "route": route}
}

test_rugs_over_threshold_block if {
	some r in rules.deny with input as inp(rugs, rec("12,000.00", "USD", "10", "pcs"))
	r.rule == "dprk.luxury.over_threshold"
	contains(r.msg, "US$1200 per item")
	contains(r.msg, "threshold US$500")
}

test_rugs_under_threshold_pass if {
	count(rules.deny) == 0 with input as inp(rugs, rec("4000", "USD", "10", "pcs"))
	count(rules.warn) == 0 with input as inp(rugs, rec("4000", "USD", "10", "pcs"))
}

test_small_total_needs_no_count if {
	count(rules.warn) == 0 with input as inp(rugs, rec("450", "USD", "", ""))
}

test_rugs_missing_value_review if {
	count(rules.deny) == 0 with input as inp(rugs, rec("", "", "10", "pcs"))
	some r in rules.warn with input as inp(rugs, rec("", "", "10", "pcs"))
	r.rule == "dprk.luxury.value_unknown"
	contains(r.msg, "US$500 per item")
}

test_rugs_other_currency_review if {
	some r in rules.warn with input as inp(rugs, rec("12000", "EUR", "10", "pcs"))
	r.rule == "dprk.luxury.value_unknown"
}

test_rugs_by_weight_review if {
	some r in rules.warn with input as inp(rugs, rec("12000", "USD", "300", "kg"))
	r.rule == "dprk.luxury.value_unknown"
}

test_unparseable_value_does_not_error if {
	some r in rules.warn with input as inp(rugs, rec("about 5k", "USD", "ten", "pcs"))
	r.rule == "dprk.luxury.value_unknown"
}

test_porcelain_threshold_100 if {
	p := line("691110", "Bone china tableware", [cat("dprk.export.luxury.porcelain", "ban", "hs:6911", 0.8)])
	some r in rules.deny with input as inp(p, rec("1500", "USD", "10", "sets"))
	r.rule == "dprk.luxury.over_threshold"
	count(rules.deny) == 0 with input as inp(p, rec("900", "USD", "10", "sets"))
}

test_threshold_is_policy_data if {
	count(rules.deny) == 0 with input as inp(rugs, rec("12000", "USD", "10", "pcs"))
		with data.screen.params.dprk_luxury.thresholds_usd as {"dprk.export.luxury.rugs": 5000}
}

test_national_list_reviews if {
	whisky := line("220830", "Single malt whisky", [cat("dprk.export.luxury.national", "review", "hs:2208", 0.8)])
	count(rules.deny) == 0 with input as inp(whisky, {})
	some r in rules.warn with input as inp(whisky, {})
	r.rule == "dprk.luxury.review"
}

test_exemption_reviews if {
	yacht := line("890392", "Motor yacht", [cat("dprk.export.luxury.vehicles_yachts", "ban", "hs:8903", 0.95)])
	i := {"goods": [yacht], "route": object.union(to_route, {"exemption_ref": "exemption: X"}), "record": {}}
	count(rules.deny) == 0 with input as i
	some r in rules.warn with input as i
	r.rule == "dprk.luxury.exempted"
}
