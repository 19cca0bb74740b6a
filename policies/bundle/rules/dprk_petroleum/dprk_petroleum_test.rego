package screen.rules.dprk_petroleum_test

import data.screen.rules.dprk_petroleum as rules

to_route := {
	"from_dprk": false, "to_dprk": true, "evidence": ["route.port_of_discharge"],
	"from_evidence": [], "to_evidence": ["route.port_of_discharge"], "dprk_parties": [],
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

diesel := line("271019", "Diesel fuel (gas oil)", [cat("dprk.export.refined_petroleum", "cap", "hs:2710", 0.95)])

jet := line("271019", "Aviation kerosene (jet fuel)", [
	cat("dprk.export.aviation_fuel", "ban", "description:aviation kerosene", 0.95),
	cat("dprk.export.refined_petroleum", "cap", "hs:2710", 0.95),
])

test_refined_petroleum_is_never_clear if {
	count(rules.deny) == 0 with input as {"goods": [diesel], "route": to_route}
	some r in rules.warn with input as {"goods": [diesel], "route": to_route}
	r.rule == "dprk.petroleum.refined_cap"
	contains(r.msg, "500000-barrel")
	contains(r.msg, "30 days")
	r.citation == "citation of dprk.export.refined_petroleum"
	r.evidence == ["goods[0]", "route.port_of_discharge"]
}

test_cap_figures_come_from_data if {
	some r in rules.warn with input as {"goods": [diesel], "route": to_route}
		with data.screen.params.dprk_petroleum.refined_cap_barrels as 400000
	contains(r.msg, "400000-barrel")
}

test_refined_review_also_for_review_measure if {
	bitumen := line("271320", "Bitumen", [cat("dprk.export.refined_petroleum", "review", "hs:2713", 0.5)])
	some r in rules.warn with input as {"goods": [bitumen], "route": to_route}
	r.rule == "dprk.petroleum.refined_cap"
}

test_petroleum_from_dprk_is_not_this_family if {
	count(rules.warn) == 0 with input as {"goods": [diesel], "route": from_route}
	count(rules.deny) == 0 with input as {"goods": [jet], "route": from_route}
}

test_crude_is_capped if {
	crude := line("270900", "Crude petroleum", [cat("dprk.export.crude_oil", "cap", "hs:2709", 0.95)])
	count(rules.deny) == 0 with input as {"goods": [crude], "route": to_route}
	some r in rules.warn with input as {"goods": [crude], "route": to_route}
	r.rule == "dprk.petroleum.crude_cap"
	contains(r.msg, "4000000 barrels or 525000 t")
}

test_aviation_fuel_blocks if {
	some r in rules.deny with input as {"goods": [jet], "route": to_route}
	r.rule == "dprk.petroleum.banned_fuel"
	r.citation == "citation of dprk.export.aviation_fuel"
}

test_condensate_blocks if {
	cond := line("270900", "Gas condensate", [
		cat("dprk.export.condensate_ngl", "ban", "description:gas condensate", 0.95),
		cat("dprk.export.crude_oil", "cap", "hs:2709", 0.95),
	])
	some r in rules.deny with input as {"goods": [cond], "route": to_route}
	r.citation == "citation of dprk.export.condensate_ngl"
}

test_ngl_by_hs_only_reviews if {
	ngl := line("271119", "", [cat("dprk.export.condensate_ngl", "review", "hs:2711.19", 0.5)])
	count(rules.deny) == 0 with input as {"goods": [ngl], "route": to_route}
	some r in rules.warn with input as {"goods": [ngl], "route": to_route}
	r.rule == "dprk.petroleum.fuel_review"
}

test_weak_jet_fuel_description_reviews if {
	weak := line("", "jett fule", [cat("dprk.export.aviation_fuel", "ban", "description:jet fuel", 0.7)])
	count(rules.deny) == 0 with input as {"goods": [weak], "route": to_route}
	some r in rules.warn with input as {"goods": [weak], "route": to_route}
	r.rule == "dprk.petroleum.fuel_review"
}

test_aviation_fuel_exemption_reviews if {
	route := object.union(to_route, {"exemption_ref": "exemption: Air China CA121 return flight"})
	count(rules.deny) == 0 with input as {"goods": [jet], "route": route}
	some r in rules.warn with input as {"goods": [jet], "route": route}
	r.rule == "dprk.petroleum.exempted"
	contains(r.msg, "CA121")
}
