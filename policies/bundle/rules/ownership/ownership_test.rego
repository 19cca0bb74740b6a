package screen.rules.ownership_test

import data.screen.rules.ownership

finding(regime, basis, status, sum) := {
	"party": 1, "role": "consignee", "query": "Sinuiju Hongxiang Trading Co",
	"node_id": "name:sinuiju hongxiang trading co", "node_name": "Sinuiju Hongxiang Trading Co",
	"listed": false, "matched_by": "name", "match_score": 1,
	"status": status, "basis": basis, "regime": regime, "sum": sum, "unknown": 0, "threshold": 50,
	"path": [], "explanation": sprintf("owned … = %v %%", [sum]),
}

rules(set) := {r.rule | some r in set}

deny_ids(f) := ids if {
	ids := rules(ownership.deny) with input as {"ownership": [f]}
}

warn_ids(f) := ids if {
	ids := rules(ownership.warn) with input as {"ownership": [f]}
}

test_one_blocked_owner_at_50_blocks if {
	f := finding("ofac", "ofac_50", "blocked", 50)
	deny_ids(f) == {"ownership.ofac_50"}
	warn_ids(f) == set()
}

test_two_owners_55_blocks_with_path_and_evidence if {
	f := object.union(finding("ofac", "ofac_50", "blocked", 55), {"explanation": "owned 30 % by A (ofac:1, SDN) + 25 % by B (ofac:2, SDN) = 55 % ≥ 50 %"})
	some r in ownership.deny with input as {"ownership": [f]}
	r.rule == "ownership.ofac_50"
	contains(r.msg, "consignee \"Sinuiju Hongxiang Trading Co\": owned 30 % by A (ofac:1, SDN) + 25 % by B (ofac:2, SDN) = 55 % ≥ 50 %")
	r.evidence == ["parties[1]"]
	contains(r.citation, "2014")
}

test_evidence_points_at_the_list_match if {
	f := object.union(finding("ofac", "ofac_50", "blocked", 60), {"matched_by": "list_match", "node_id": "ofac:9"})
	matches := [
		{"party": 0, "entity_id": "ofac:9"},
		{"party": 1, "entity_id": "ofac:8"},
		{"party": 1, "entity_id": "ofac:9"},
	]
	some r in ownership.deny with input as {"ownership": [f], "matches": matches}
	r.evidence == ["parties[1]", "matches[2]"]
}

test_49_9_reviews_not_blocks if {
	f := finding("ofac", "aggregate_threshold", "review", 49.9)
	deny_ids(f) == set()
	warn_ids(f) == {"ownership.ofac_significant"}
}

test_review_level_comes_from_data if {
	f := finding("ofac", "aggregate_threshold", "review", 30)
	rs := rules(ownership.warn) with input as {"ownership": [f]} with data.screen.params.ownership.review_percent as 35
	rs == {"ownership.unhandled"}
}

test_block_level_comes_from_data if {
	f := finding("ofac", "aggregate_threshold", "review", 45)
	rs := rules(ownership.deny) with input as {"ownership": [f]} with data.screen.params.ownership.block_percent as 40
	rs == {"ownership.ofac_50"}
}

test_cascade_and_chain_findings_block if {
	# A three-level cascade or a 50 % of 50 % chain arrives as ofac_50 with
	# the sum of the direct holdings of the blocked owners.
	f := finding("ofac", "ofac_50", "blocked", 50)
	deny_ids(f) == {"ownership.ofac_50"}
}

test_possibly_owned_after_49_percent_reviews_only if {
	f := finding("ofac", "possibly_owned", "review", 100)
	deny_ids(f) == set()
	warn_ids(f) == {"ownership.ofac_unknown"}
}

test_unknown_percent_reviews if {
	f := finding("ofac", "unknown_percent", "review", 10)
	deny_ids(f) == set()
	warn_ids(f) == {"ownership.ofac_unknown"}
}

test_ended_holding_yields_no_finding_and_no_reason if {
	count(ownership.deny) == 0 with input as {"ownership": []}
	count(ownership.warn) == 0 with input as {"ownership": []}
}

test_missing_ownership_input_is_quiet if {
	count(ownership.deny) == 0 with input as {"matches": []}
	count(ownership.warn) == 0 with input as {"matches": []}
}

test_cycle_finding_blocks_once if {
	f := finding("ofac", "ofac_50", "blocked", 100)
	count(ownership.deny) == 1 with input as {"ownership": [f]}
}

test_directorship_reviews if {
	f := finding("ofac", "director", "review", 0)
	warn_ids(f) == {"ownership.ofac_control"}
	deny_ids(f) == set()
}

test_linked_to_reviews if {
	f := finding("ofac", "linked_to", "review", 0)
	warn_ids(f) == {"ownership.linked_to"}
}

test_family_and_associate_review if {
	warn_ids(finding("ofac", "family", "review", 0)) == {"ownership.related_person"}
	warn_ids(finding("eu", "associate", "review", 0)) == {"ownership.related_person"}
}

test_eu_control_has_its_own_citation if {
	f := finding("eu", "majority_owned", "review", 60)
	some r in ownership.warn with input as {"ownership": [f]}
	r.rule == "ownership.eu_control"
	contains(r.citation, "Best Practices")
	deny_ids(f) == set()
	warn_ids(finding("eu", "director", "review", 0)) == {"ownership.eu_control"}
}

test_uk_control_cites_ofsi if {
	f := finding("uk", "majority_owned", "review", 51)
	some r in ownership.warn with input as {"ownership": [f]}
	r.rule == "ownership.uk_control"
	contains(r.citation, "OFSI")
}

test_un_control_cites_1718 if {
	some r in ownership.warn with input as {"ownership": [finding("un", "majority_owned", "review", 100)]}
	r.rule == "ownership.un_control"
	contains(r.citation, "1718")
}

test_other_list_control_reviews if {
	warn_ids(finding("other", "possibly_owned", "review", 100)) == {"ownership.other_control"}
}

test_unknown_basis_fails_closed if {
	f := finding("ofac", "something_new", "blocked", 70)
	warn_ids(f) == {"ownership.unhandled"}
	warn_ids(finding("mars", "majority_owned", "review", 70)) == {"ownership.unhandled"}
}

test_list_match_names_the_node if {
	f := object.union(finding("ofac", "ofac_50", "blocked", 60), {"matched_by": "list_match", "node_id": "eu:9", "node_name": "EURO LISTED GMBH"})
	some r in ownership.deny with input as {"ownership": [f]}
	contains(r.msg, "(matched EURO LISTED GMBH, eu:9)")
}
