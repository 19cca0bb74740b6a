package screen.rules.dprk_vessels_test

import data.screen.rules.dprk_vessels as rules

flag_route := {
	"from_dprk": false, "to_dprk": false, "evidence": [], "from_evidence": [], "to_evidence": [],
	"dprk_parties": [], "vessel_flag_dprk": true, "vessel_parties": [2], "vessel_names": ["CHON MA SAN"], "indicators": [],
}

record := {"parties": [
	{"role": "shipper", "name": "Dalian Xinrun"},
	{"role": "consignee", "name": "Nampo Trading"},
	{"role": "vessel", "name": "CHON MA SAN", "country": "KP"},
]}

plain_route := {
	"from_dprk": false, "to_dprk": false, "evidence": [], "from_evidence": [], "to_evidence": [],
	"dprk_parties": [], "vessel_flag_dprk": false, "vessel_parties": [], "indicators": [],
}

to_route := object.union(plain_route, {"to_dprk": true, "to_evidence": ["route.port_of_discharge"], "evidence": ["route.port_of_discharge"]})

cat(id, measure, matched_by, confidence) := {
	"id": id, "title": id, "direction": "both", "measure": measure, "kind": "vessel",
	"citation": sprintf("citation of %s", [id]), "confidence": confidence, "matched_by": matched_by,
}

line(desc, cats) := {"line": 0, "description": desc, "categories": [c.id | some c in cats], "details": cats}

sts_line := line("STS transfer of diesel", [cat("dprk.vessels.ship_to_ship", "ban", "description:sts transfer", 0.95)])

test_dprk_flag_blocks if {
	some r in rules.deny with input as {"goods": [], "route": flag_route, "record": record}
	r.rule == "dprk.vessels.dprk_flag"
	r.evidence == ["parties[2]"]
	contains(r.msg, "CHON MA SAN")
}

test_dprk_flag_can_be_review if {
	inp := {"goods": [], "route": flag_route, "record": record}
	count(rules.deny) == 0 with input as inp with data.screen.params.dprk_vessels.flag_block as false
	some r in rules.warn with input as inp with data.screen.params.dprk_vessels.flag_block as false
	r.rule == "dprk.vessels.dprk_flag_review"
}

test_sts_with_dprk_flag_blocks if {
	some r in rules.deny with input as {"goods": [sts_line], "route": flag_route, "record": record}
	r.rule == "dprk.vessels.ship_to_ship"
	r.evidence == ["parties[2]", "goods[0]"]
}

test_sts_in_free_text_with_dprk_flag_blocks if {
	route := object.union(flag_route, {"indicators": ["ship_to_ship"]})
	some r in rules.deny with input as {"goods": [], "route": route, "record": record}
	r.rule == "dprk.vessels.ship_to_ship"
}

test_sts_on_dprk_route_reviews if {
	count(rules.deny) == 0 with input as {"goods": [sts_line], "route": to_route}
	some r in rules.warn with input as {"goods": [sts_line], "route": to_route}
	r.rule == "dprk.vessels.sts_review"
	r.evidence == ["goods[0]", "route.port_of_discharge"]
}

test_sts_without_dprk_link_is_silent if {
	count(rules.deny) == 0 with input as {"goods": [sts_line], "route": plain_route}
	count(rules.warn) == 0 with input as {"goods": [sts_line], "route": plain_route}
}

test_charter_with_dprk_nexus_blocks if {
	charter := line("Time charter", [cat("dprk.vessels.services", "ban", "description:time charter", 0.8)])
	some r in rules.deny with input as {"goods": [charter], "route": to_route}
	r.rule == "dprk.vessels.services"
	count(rules.deny) == 0 with input as {"goods": [charter], "route": plain_route}
}

test_weak_charter_reviews if {
	charter := line("chartr", [cat("dprk.vessels.services", "ban", "description:charter", 0.7)])
	some r in rules.warn with input as {"goods": [charter], "route": to_route}
	r.rule == "dprk.vessels.services_review"
}
