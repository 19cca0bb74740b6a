package screen.rules.sanctions_test

import data.screen.rules.sanctions

match(score, list) := {
	"role": "consignee", "party": 0, "query": "Korea Mining Dev. Trading Corp",
	"entity_id": "un:KPe.001", "list": list, "name": "KOREA MINING DEVELOPMENT TRADING CORPORATION",
	"matched_name": "KOREA MINING DEVELOPMENT TRADING CORPORATION", "score": score,
	"programs": ["DPRK"], "features": [],
}

test_strong_match_blocks if {
	some r in sanctions.deny with input as {"matches": [match(0.95, "un")]}
	r.rule == "sanctions.match.strong"
	r.evidence == ["matches[0]", "parties[0]"]
	contains(r.citation, "un:KPe.001")
	contains(r.citation, "DPRK")
	r.msg == `consignee "Korea Mining Dev. Trading Corp" matches "KOREA MINING DEVELOPMENT TRADING CORPORATION" on the UN Security Council Consolidated List (un:KPe.001, score 95%)`
}

test_strong_match_is_not_also_a_warning if {
	count(sanctions.warn) == 0 with input as {"matches": [match(0.95, "un")]}
}

test_weaker_match_reviews if {
	count(sanctions.deny) == 0 with input as {"matches": [match(0.85, "un")]}
	some r in sanctions.warn with input as {"matches": [match(0.85, "un")]}
	r.rule == "sanctions.match.possible"
}

test_below_review_threshold_is_silent if {
	count(sanctions.deny) == 0 with input as {"matches": [match(0.78, "un")]}
	count(sanctions.warn) == 0 with input as {"matches": [match(0.78, "un")]}
}

test_identifier_confirms_low_name_score if {
	m := object.union(match(0.81, "ofac"), {"features": [{"name": "id", "value": 1}]})
	some r in sanctions.deny with input as {"matches": [m]}
	r.rule == "sanctions.match.strong"
}

test_review_only_list_downgrades if {
	inp := {"matches": [match(0.99, "own")]}
	count(sanctions.deny) == 0 with input as inp with data.screen.params.sanctions.review_only_lists as ["own"]
	count(sanctions.warn) == 1 with input as inp with data.screen.params.sanctions.review_only_lists as ["own"]
}

test_unknown_list_still_cited if {
	some r in sanctions.deny with input as {"matches": [match(0.95, "acme")]}
	contains(r.citation, "acme")
}
