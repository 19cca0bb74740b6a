# Dual-use and WMD list items (1718 Committee lists: S/2016/308,
# S/2009/364, the NSG and MTCR-based lists) moving to or from the DPRK, and
# items of concern that are not listed (aluminium oxide, tungsten
# compounds) under the WMD catch-all.

# METADATA
# scope: package
# custom:
#   requires: [dprk_route]
package screen.rules.dual_use

import data.screen.lib
import data.screen.lib.dprk

dual_use(d) if startswith(d.id, "dual_use.")

# lines: dual-use categories on a route to or from the DPRK.
lines contains [i, g, d] if {
	some i, g in input.goods
	some d in dprk.details(g)
	dual_use(d)
	dprk.applies(d)
}

# METADATA
# title: Listed dual-use or WMD item to or from the DPRK
# description: >-
#   A goods line is an item of the 1718 Committee's nuclear, missile or
#   chemical lists (for example aluminium chloride, dichloromethane,
#   monoisopropylamine, sodium metal, maraging steel, high-strength
#   aluminium alloy tubes, Al-Ni-Co ring magnets, frequency changers,
#   flow-forming machines, EDM graphite, para-aramid fibre) and moves to or
#   from the DPRK. Supply to and procurement from the DPRK are prohibited.
# related_resources:
#   - ref: https://undocs.org/S/RES/1718(2006)
#     description: UNSCR 1718 (2006) para 8(a)(ii) and 8(b)
#   - ref: https://undocs.org/S/RES/2270(2016)
#     description: UNSCR 2270 (2016) para 25 (list S/2016/308)
#   - ref: https://undocs.org/S/2016/308
#     description: 1718 Committee list S/2016/308
# custom:
#   id: dual_use.list_item
#   severity: block
#   citation: UNSCR 1718 (2006) para 8 and the 1718 Committee lists (see the category citation)
deny contains r if {
	not dprk.exempted
	some [i, g, d] in lines
	dprk.banned(d)
	r := lib.reason_cited(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: %s, %s (%s)", [i, dprk.label(g), d.title, dprk.direction_phrase(d), d.matched_by]),
		dprk.evidence(i, d),
		d.citation,
	)
}

# METADATA
# title: Dual-use concern to or from the DPRK
# description: >-
#   A goods line moving to or from the DPRK is a dual-use concern that no UN
#   list names (aluminium oxide, as in the Dandong Hongxiang case; tungsten
#   trioxide; instruments), a list item found only weakly in the
#   description, or a list item whose row cites an exemption. The WMD
#   catch-all requires an end-use review.
# related_resources:
#   - ref: https://undocs.org/S/RES/2270(2016)
#     description: UNSCR 2270 (2016) para 27 (WMD catch-all)
# custom:
#   id: dual_use.concern
#   severity: review
#   citation: UNSCR 2270 (2016) para 27 (see the category citation)
warn contains r if {
	some [i, g, d] in lines
	dprk.reviewable(d)
	r := lib.reason_cited(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: %s, %s; %s", [i, dprk.label(g), d.title, dprk.direction_phrase(d), dprk.why(d)]),
		dprk.evidence(i, d),
		d.citation,
	)
}

# METADATA
# title: Listed dual-use item with an exemption reference
# description: >-
#   A listed dual-use item moves to or from the DPRK, but the row cites a
#   1718 Committee exemption or approval. Check the reference; never cleared
#   automatically.
# related_resources:
#   - ref: https://undocs.org/S/RES/2397(2017)
#     description: UNSCR 2397 (2017) para 25
# custom:
#   id: dual_use.exempted
#   severity: review
#   citation: UNSCR 2397 (2017) para 25
warn contains r if {
	dprk.exempted
	some [i, g, d] in lines
	dprk.banned(d)
	r := lib.reason_cited(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: %s, %s, is prohibited unless exempted; exemption cited: %s", [i, dprk.label(g), d.title, dprk.direction_phrase(d), dprk.exemption_ref]),
		dprk.exempt_evidence(i, d),
		sprintf("%s; UNSCR 2397 (2017) para 25", [d.citation]),
	)
}
