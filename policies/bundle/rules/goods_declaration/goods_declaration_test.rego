package screen.rules.goods_declaration_test

import data.screen.rules.goods_declaration as rules

from_route := {
	"from_dprk": true, "to_dprk": false, "evidence": ["route.origin_country"],
	"from_evidence": ["route.origin_country"], "to_evidence": [], "dprk_parties": [],
}

no_route := {"from_dprk": false, "to_dprk": false, "evidence": [], "from_evidence": [], "to_evidence": [], "dprk_parties": []}

mismatch := {"line": 0, "hs": "611020", "description": "False eyelashes", "categories": ["hs_description_mismatch"], "details": [{
	"id": "hs_description_mismatch", "measure": "review", "confidence": 0.9,
	"matched_by": "hs:6110.20 (chapter 61: Knitted or crocheted apparel) vs description:false eyelashes (dprk.import.hair_products)",
}]}

test_mismatch_on_dprk_route_reviews if {
	some r in rules.warn with input as {"goods": [mismatch], "route": from_route}
	r.rule == "goods.hs_description_mismatch"
	r.evidence == ["goods[0]", "route.origin_country"]
	contains(r.msg, "chapter 61")
}

test_mismatch_elsewhere_is_silent_by_default if {
	count(rules.warn) == 0 with input as {"goods": [mismatch], "route": no_route}
}

test_mismatch_any_route_when_configured if {
	count(rules.warn) == 1 with input as {"goods": [mismatch], "route": no_route}
		with data.screen.params.goods_declaration.any_route as true
}

test_consistent_line_is_silent if {
	ok := {"line": 0, "hs": "670420", "description": "False eyelashes", "categories": [], "details": []}
	count(rules.warn) == 0 with input as {"goods": [ok], "route": from_route}
}
