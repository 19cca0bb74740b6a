package screen.rules.input_test

import data.screen.rules.input as rules

test_bad_hs_code_reviews if {
	some r in rules.warn with input as {"goods": [{"line": 0, "hs": "28X8", "error": "hs_code \"28X8\": not a number"}]}
	r.rule == "input.goods_unclassified"
	r.evidence == ["goods[0]"]
}

test_good_line_is_silent if {
	count(rules.warn) == 0 with input as {"goods": [{"line": 0, "hs": "281820", "categories": []}]}
}

test_truncated_input_reviews if {
	cuts := ["parties[0].name: 30000 characters, 1000 screened", "goods: 400 lines, 200 screened"]
	some r in rules.warn with input as {"record": {"truncated": cuts}, "goods": []}
	r.rule == "input.truncated"
	contains(r.msg, "parties[0].name: 30000 characters, 1000 screened; goods: 400 lines, 200 screened")
	r.evidence == ["truncated[0]", "truncated[1]"]
}

test_untruncated_input_is_silent if {
	count(rules.warn) == 0 with input as {"record": {"id": "x"}, "goods": []}
	count(rules.warn) == 0 with input as {"record": {"truncated": []}, "goods": []}
}
