# Goods procured from the DPRK (UN sectoral import bans): coal, iron, lead,
# seafood, textiles, food and agricultural products (HS 07/08/12), machinery,
# electrical equipment, earth and stone, wood, vessels, gold and other
# minerals, statues, arms; and the goods reviewed although not named.

# METADATA
# scope: package
# custom:
#   requires: [dprk_route]
package screen.rules.dprk_goods_import

import data.screen.lib
import data.screen.lib.dprk

params := object.get(lib.params, "dprk_goods_import", {})

import_category(d) if startswith(d.id, "dprk.import.")

# rajin_transit: the only DPRK link is loading at Rajin, and the declared
# origin is another country (the 2371 para 8 transit exemption may apply).
rajin_transit if {
	object.get(params, "rajin_transit_review", true)
	dprk.route.dprk_port_of_loading == "Rajin"
	origin := object.get(dprk.route, "origin_country", "")
	origin != ""
	origin != "KP"
	every e in dprk.route.from_evidence {
		e == "route.port_of_loading"
	}
}

rajin_exempt(d) if {
	d.id == "dprk.import.coal"
	rajin_transit
}

# METADATA
# title: Goods procured from the DPRK are banned
# description: >-
#   A goods line falls in a UN sectoral import ban (coal, iron, lead,
#   seafood, textiles, HS 07/08/12, 25, 44, 84, 85, 89, gold, titanium,
#   vanadium, rare earths, copper, nickel, silver, zinc, statues, arms) and
#   the movement is from the DPRK: DPRK origin, loading at a DPRK port or a
#   DPRK seller, whether or not the goods originate in the DPRK.
# related_resources:
#   - ref: https://undocs.org/S/RES/2397(2017)
#     description: UNSCR 2397 (2017) para 6
#   - ref: https://undocs.org/S/RES/2371(2017)
#     description: UNSCR 2371 (2017) paras 8-10
#   - ref: https://undocs.org/S/RES/2375(2017)
#     description: UNSCR 2375 (2017) para 16
#   - ref: https://undocs.org/S/RES/2321(2016)
#     description: UNSCR 2321 (2016) paras 28-29
#   - ref: https://undocs.org/S/RES/2270(2016)
#     description: UNSCR 2270 (2016) para 30
# custom:
#   id: dprk.goods.import_ban
#   severity: block
#   citation: UN DPRK sectoral import bans (see the category citation)
deny contains r if {
	dprk.from_dprk
	not dprk.exempted
	some i, g in input.goods
	some d in dprk.details(g)
	import_category(d)
	dprk.banned(d)
	not rajin_exempt(d)
	r := lib.reason_cited(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: %s, procured from the DPRK (%s)", [i, dprk.label(g), d.title, d.matched_by]),
		dprk.evidence(i, d),
		d.citation,
	)
}

# METADATA
# title: Goods from the DPRK need review
# description: >-
#   A goods line procured from the DPRK falls in a category whose scope is
#   unsettled (steel products and ferro-alloys under "iron", statuettes,
#   footwear and headgear under textiles), is not UN-banned but must not be
#   cleared (wigs and false eyelashes, tungsten and molybdenum ores,
#   electricity), or matches a banned category only weakly by description.
# related_resources:
#   - ref: https://undocs.org/S/RES/2371(2017)
#     description: UNSCR 2371 (2017) para 8
#   - ref: https://undocs.org/S/RES/2375(2017)
#     description: UNSCR 2375 (2017) paras 16 and 18
# custom:
#   id: dprk.goods.import_review
#   severity: review
#   citation: UN DPRK sectoral import measures (see the category citation)
warn contains r if {
	dprk.from_dprk
	some i, g in input.goods
	some d in dprk.details(g)
	import_category(d)
	dprk.reviewable(d)
	r := lib.reason_cited(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: %s, procured from the DPRK; %s", [i, dprk.label(g), d.title, dprk.why(d)]),
		dprk.evidence(i, d),
		d.citation,
	)
}

# METADATA
# title: Banned DPRK goods with an exemption reference
# description: >-
#   A goods line would be blocked under a UN import ban, but the row cites a
#   1718 Committee exemption or approval. Exemptions are item-specific and
#   expire, so the reference must be checked; it is never cleared
#   automatically.
# related_resources:
#   - ref: https://undocs.org/S/RES/2397(2017)
#     description: UNSCR 2397 (2017) para 25 (Committee exemptions)
# custom:
#   id: dprk.goods.import_exempted
#   severity: review
#   citation: UNSCR 2397 (2017) para 25
warn contains r if {
	dprk.from_dprk
	dprk.exempted
	some i, g in input.goods
	some d in dprk.details(g)
	import_category(d)
	dprk.banned(d)
	not rajin_exempt(d)
	r := lib.reason_cited(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: %s from the DPRK is banned unless exempted; exemption cited: %s", [i, dprk.label(g), d.title, dprk.exemption_ref]),
		dprk.exempt_evidence(i, d),
		sprintf("%s; UNSCR 2397 (2017) para 25", [d.citation]),
	)
}

# METADATA
# title: Non-DPRK coal shipped through Rajin
# description: >-
#   Coal loaded at Rajin (Rason) with a declared non-DPRK origin and no other
#   DPRK link may fall under the only remaining coal exemption: foreign coal
#   transiting the DPRK solely for export through Rajin, notified to the
#   1718 Committee in advance. A screening tool cannot verify the
#   notification, so the line is reviewed, never cleared.
# related_resources:
#   - ref: https://undocs.org/S/RES/2371(2017)
#     description: UNSCR 2371 (2017) para 8
# custom:
#   id: dprk.goods.rajin_coal_transit
#   severity: review
#   citation: UNSCR 2371 (2017) para 8 (Rajin transit exemption)
warn contains r if {
	dprk.from_dprk
	some i, g in input.goods
	some d in dprk.details(g)
	rajin_exempt(d)
	dprk.banned(d)
	r := lib.reason(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: coal of declared origin %s loaded at Rajin; lawful only with advance notification to the 1718 Committee%s", [i, dprk.label(g), dprk.route.origin_country, notification_note]),
		dprk.evidence(i, d),
	)
}

notification_note := sprintf("; notification reference: %s", [dprk.route.notification_ref]) if {
	object.get(dprk.route, "notification_ref", "") != ""
} else := sprintf("; reference: %s", [dprk.exemption_ref]) if {
	dprk.exempted
} else := "; no notification reference given"

has_import_measure(g) if {
	some d in dprk.details(g)
	dprk.imports(d)
	d.measure != "permitted"
}

# METADATA
# title: Goods from the DPRK not named in a UN measure
# description: >-
#   A goods line procured from the DPRK falls in no UN ban (for example tea,
#   rice, spirits or confectionery, which 2397 para 6 does not name) or could
#   not be classified. Trade with the DPRK is never cleared automatically:
#   designated parties, national measures and cargo inspection apply.
# related_resources:
#   - ref: https://undocs.org/S/RES/2270(2016)
#     description: UNSCR 2270 (2016) para 18 (inspection of all cargo to and from the DPRK)
# custom:
#   id: dprk.goods.import_unlisted
#   severity: review
#   citation: UNSCR 2270 (2016) para 18
warn contains r if {
	object.get(params, "review_unlisted", true)
	dprk.from_dprk
	some i, g in input.goods
	not has_import_measure(g)
	r := lib.reason(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: procured from the DPRK; not named in a UN import ban, review parties, end use and national measures", [i, dprk.label(g)]),
		array.concat([dprk.goods_ptr(i)], dprk.route.from_evidence),
	)
}
