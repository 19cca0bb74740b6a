# Goods supplied to the DPRK (UN sectoral export bans): arms, metals (HS
# 72-83), machinery (84), electrical equipment (85), vehicles (86-88),
# vessels (89); human hair for processing deals; and the catch-all for any
# other item except food and medicine.

# METADATA
# scope: package
# custom:
#   requires: [dprk_route]
package screen.rules.dprk_goods_export

import data.screen.lib
import data.screen.lib.dprk

params := object.get(lib.params, "dprk_goods_export", {})

# METADATA
# title: Goods supplied to the DPRK are banned
# description: >-
#   A goods line falls in a UN sectoral export ban (arms and related
#   materiel, iron, steel and other metals HS 72-83, industrial machinery HS
#   84, electrical equipment HS 85, transportation vehicles HS 86-88,
#   vessels HS 89) and the movement is to the DPRK: DPRK destination, a DPRK
#   port of discharge or transshipment point, or a DPRK consignee, buyer or
#   notify party, whatever the goods' origin.
# related_resources:
#   - ref: https://undocs.org/S/RES/2397(2017)
#     description: UNSCR 2397 (2017) paras 7 and 14
#   - ref: https://undocs.org/S/RES/1718(2006)
#     description: UNSCR 1718 (2006) para 8(a)
#   - ref: https://undocs.org/S/RES/2270(2016)
#     description: UNSCR 2270 (2016) para 6
# custom:
#   id: dprk.goods.export_ban
#   severity: block
#   citation: UN DPRK sectoral export bans (see the category citation)
deny contains r if {
	dprk.to_dprk
	not dprk.exempted
	some i, g in input.goods
	some d in dprk.details(g)
	dprk.export_goods(d)
	dprk.banned(d)
	r := lib.reason_cited(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: %s, supplied to the DPRK (%s)", [i, dprk.label(g), d.title, d.matched_by]),
		dprk.evidence(i, d),
		d.citation,
	)
}

# METADATA
# title: Goods to the DPRK need review
# description: >-
#   A goods line supplied to the DPRK falls in a category that a screening
#   tool can only review: aircraft spare parts (the 2397 para 7 civil
#   aviation exception), military-use aircraft headings, human hair for
#   wig-making (processing deals may be prohibited cooperative entities), or
#   a banned category found only weakly in the description.
# related_resources:
#   - ref: https://undocs.org/S/RES/2397(2017)
#     description: UNSCR 2397 (2017) para 7
#   - ref: https://undocs.org/S/RES/2375(2017)
#     description: UNSCR 2375 (2017) para 18
# custom:
#   id: dprk.goods.export_review
#   severity: review
#   citation: UN DPRK sectoral export measures (see the category citation)
warn contains r if {
	dprk.to_dprk
	some i, g in input.goods
	some d in dprk.details(g)
	dprk.export_goods(d)
	dprk.reviewable(d)
	r := lib.reason_cited(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: %s, supplied to the DPRK; %s", [i, dprk.label(g), d.title, dprk.why(d)]),
		dprk.evidence(i, d),
		d.citation,
	)
}

# METADATA
# title: Banned goods to the DPRK with an exemption reference
# description: >-
#   A goods line would be blocked under a UN export ban, but the row cites a
#   1718 Committee exemption (humanitarian items in HS 84/85, vehicles) or
#   the civil-aircraft spare-parts exception. The reference must be checked
#   against the Committee's published approvals; it is never cleared
#   automatically.
# related_resources:
#   - ref: https://undocs.org/S/RES/2397(2017)
#     description: UNSCR 2397 (2017) para 25 (Committee exemptions)
# custom:
#   id: dprk.goods.export_exempted
#   severity: review
#   citation: UNSCR 2397 (2017) para 25
warn contains r if {
	dprk.to_dprk
	dprk.exempted
	some i, g in input.goods
	some d in dprk.details(g)
	dprk.export_goods(d)
	dprk.banned(d)
	r := lib.reason_cited(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: %s to the DPRK is banned unless exempted; exemption cited: %s", [i, dprk.label(g), d.title, dprk.exemption_ref]),
		dprk.exempt_evidence(i, d),
		sprintf("%s; UNSCR 2397 (2017) para 25", [d.citation]),
	)
}

has_export_measure(g) if {
	some d in dprk.details(g)
	dprk.exports(d)
	d.measure != "permitted"
}

food_or_medicine(g) if {
	some d in dprk.details(g)
	dprk.exports(d)
	d.measure == "permitted"
}

# METADATA
# title: Goods to the DPRK under the catch-all
# description: >-
#   A goods line supplied to the DPRK is not named in an HS-based ban and is
#   not food or medicine, or could not be classified. States must prevent
#   the supply of any item, except food or medicine, that could directly
#   contribute to the operational capabilities of the DPRK's armed forces or
#   to its nuclear and ballistic-missile programmes. The end use must be
#   reviewed.
# related_resources:
#   - ref: https://undocs.org/S/RES/2270(2016)
#     description: UNSCR 2270 (2016) paras 8 and 27
# custom:
#   id: dprk.goods.catch_all
#   severity: review
#   citation: UNSCR 2270 (2016) paras 8 and 27 (catch-all)
warn contains r if {
	object.get(params, "catch_all", true)
	dprk.to_dprk
	some i, g in input.goods
	not has_export_measure(g)
	not food_or_medicine(g)
	r := lib.reason(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: supplied to the DPRK; not food or medicine, so the catch-all applies: review the end use", [i, dprk.label(g)]),
		array.concat([dprk.goods_ptr(i)], dprk.route.to_evidence),
	)
}
