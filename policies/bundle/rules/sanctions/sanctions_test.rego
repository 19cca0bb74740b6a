package screen.rules.sanctions_test

import data.screen.rules.sanctions

match(score, list) := {
	"role": "consignee", "party": 0, "query": "Korea Mining Dev. Trading Corp",
	"entity_id": "un:KPe.001", "list": list, "name": "KOREA MINING DEVELOPMENT TRADING CORPORATION",
	"matched_name": "KOREA MINING DEVELOPMENT TRADING CORPORATION", "score": score,
	"name_score": score, "id_match": "", "programs": ["DPRK"], "features": [],
}

# qualified is a match whose score with qualifiers differs from its name score.
qualified(score, name_score) := object.union(match(score, "un"), {"name_score": name_score})

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
	m := object.union(match(0.81, "ofac"), {"id_match": "passport A1234567"})
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

test_qualifiers_never_carry_a_name_across_the_block_line if {
	# country and date of birth lift 0.90 to 0.95: review, not block
	count(sanctions.deny) == 0 with input as {"matches": [qualified(0.95, 0.90)]}
	count(sanctions.warn) == 1 with input as {"matches": [qualified(0.95, 0.90)]}
}

test_qualifiers_never_make_a_match_below_the_review_line if {
	count(sanctions.warn) == 0 with input as {"matches": [qualified(0.82, 0.78)]}
}

test_qualifiers_can_lower_a_match_below_the_block_line if {
	# a kind mismatch lowers a 1.00 name to 0.85: review
	count(sanctions.deny) == 0 with input as {"matches": [qualified(0.85, 1)]}
	count(sanctions.warn) == 1 with input as {"matches": [qualified(0.85, 1)]}
}

test_imo_conflict_is_review_not_block if {
	m := object.union(match(0.9, "ofac"), {"name_score": 1, "conflicts": ["imo: 9123456 given, 9876543 listed"]})
	count(sanctions.deny) == 0 with input as {"matches": [m]}
	some r in sanctions.warn with input as {"matches": [m]}
	contains(r.msg, "imo: 9123456 given, 9876543 listed: not a match on the name alone")
}

# strong_at and possible_at, which the rules use, hold the indexes of the
# matches that block (score and name score at the block line and no
# conflict, or an identifier) and of those that reach the review line.
test_index_sets if {
	ms := [
		match(0.95, "un"), match(0.85, "un"), match(0.78, "un"), qualified(0.95, 0.90), qualified(0.85, 1),
		object.union(match(0.81, "ofac"), {"id_match": "passport A1234567"}),
		object.union(match(0.95, "ofac"), {"conflicts": ["imo: 9123456 given, 9876543 listed"]}),
	]
	sanctions.strong_at == {0, 5} with input as {"matches": ms}
	sanctions.possible_at == {0, 1, 3, 4, 5, 6} with input as {"matches": ms}
}
