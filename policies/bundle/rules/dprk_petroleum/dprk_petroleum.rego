# Petroleum supplied to the DPRK: refined products and crude under UN caps
# (never cleared), aviation fuel and condensates/NGLs banned outright.

# METADATA
# scope: package
# custom:
#   requires: [dprk_route]
package screen.rules.dprk_petroleum

import data.screen.lib
import data.screen.lib.dprk

params := object.get(lib.params, "dprk_petroleum", {})

refined_cap := object.get(params, "refined_cap_barrels", 500000)

refined_notice_days := object.get(params, "refined_notification_days", 30)

crude_cap := object.get(params, "crude_cap_barrels", 4000000)

crude_cap_tonnes := object.get(params, "crude_cap_tonnes", 525000)

crude_report_days := object.get(params, "crude_report_days", 90)

banned_ids := {"dprk.export.aviation_fuel", "dprk.export.condensate_ngl"}

# petroleum lines supplied to the DPRK: [index, line, category].
lines contains [i, g, d] if {
	dprk.to_dprk
	some i, g in input.goods
	some d in dprk.details(g)
	d.id in dprk.petroleum_ids
}

# METADATA
# title: Refined petroleum to the DPRK is capped
# description: >-
#   Refined petroleum products (HS 2710, LPG counted) may be supplied to the
#   DPRK only within the aggregate UN cap, with the supplier State notifying
#   the 1718 Committee, for the livelihood of DPRK nationals and with no
#   designated parties. A screening tool cannot verify the global headroom,
#   so such a line is never cleared.
# related_resources:
#   - ref: https://undocs.org/S/RES/2397(2017)
#     description: UNSCR 2397 (2017) para 5
#   - ref: https://main.un.org/securitycouncil/en/sanctions/1718/supply-sale-or-transfer-of-all-refined-petroleum
#     description: 1718 Committee refined petroleum reporting page
# custom:
#   id: dprk.petroleum.refined_cap
#   severity: review
#   citation: UNSCR 2397 (2017) para 5
warn contains r if {
	some [i, g, d] in lines
	d.id == "dprk.export.refined_petroleum"
	r := lib.reason_cited(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: refined petroleum supplied to the DPRK counts toward the %d-barrel annual UN cap; needs supplier-State notification to the 1718 Committee within %d days, livelihood end use and no designated parties (%s)", [i, dprk.label(g), refined_cap, refined_notice_days, d.matched_by]),
		dprk.evidence(i, d),
		d.citation,
	)
}

# METADATA
# title: Crude oil to the DPRK is capped
# description: >-
#   Crude oil (HS 2709) may be supplied to the DPRK only within the annual UN
#   cap, with supplying States reporting to the 1718 Committee. A screening
#   tool cannot verify the cap, so such a line is never cleared.
# related_resources:
#   - ref: https://undocs.org/S/RES/2397(2017)
#     description: UNSCR 2397 (2017) para 4
# custom:
#   id: dprk.petroleum.crude_cap
#   severity: review
#   citation: UNSCR 2397 (2017) para 4
warn contains r if {
	some [i, g, d] in lines
	d.id == "dprk.export.crude_oil"
	r := lib.reason_cited(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: crude oil supplied to the DPRK counts toward the UN cap of %d barrels or %d t a year; supplying States report every %d days (%s)", [i, dprk.label(g), crude_cap, crude_cap_tonnes, crude_report_days, d.matched_by]),
		dprk.evidence(i, d),
		d.citation,
	)
}

# METADATA
# title: Aviation fuel or condensate to the DPRK is banned
# description: >-
#   Aviation fuel (aviation gasoline, naphtha- and kerosene-type jet fuel,
#   kerosene-type rocket fuel) and all condensates and natural gas liquids
#   may not be supplied to the DPRK. The only aviation-fuel exception is
#   fuel for civil passenger aircraft outside the DPRK for the return flight,
#   which needs an exemption reference and review.
# related_resources:
#   - ref: https://undocs.org/S/RES/2270(2016)
#     description: UNSCR 2270 (2016) para 31 (aviation fuel)
#   - ref: https://undocs.org/S/RES/2375(2017)
#     description: UNSCR 2375 (2017) para 13 (condensates and NGLs)
# custom:
#   id: dprk.petroleum.banned_fuel
#   severity: block
#   citation: UNSCR 2270 (2016) para 31; UNSCR 2375 (2017) para 13
deny contains r if {
	not dprk.exempted
	some [i, g, d] in lines
	d.id in banned_ids
	dprk.banned(d)
	r := lib.reason_cited(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: %s, supplied to the DPRK (%s)", [i, dprk.label(g), d.title, d.matched_by]),
		dprk.evidence(i, d),
		d.citation,
	)
}

# METADATA
# title: Possible aviation fuel, condensate or NGL to the DPRK
# description: >-
#   A fuel line to the DPRK may be banned aviation fuel, condensate or
#   natural gas liquids but the classification is uncertain (HS 2711.14/.19
#   is shared between LPG, counted under the refined cap, and banned NGLs),
#   the description match is weak, or the row cites an exemption.
# related_resources:
#   - ref: https://undocs.org/S/RES/2375(2017)
#     description: UNSCR 2375 (2017) para 13
#   - ref: https://undocs.org/S/RES/2270(2016)
#     description: UNSCR 2270 (2016) para 31
# custom:
#   id: dprk.petroleum.fuel_review
#   severity: review
#   citation: UNSCR 2270 (2016) para 31; UNSCR 2375 (2017) para 13
warn contains r if {
	some [i, g, d] in lines
	d.id in banned_ids
	dprk.reviewable(d)
	r := lib.reason_cited(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: %s, supplied to the DPRK; %s", [i, dprk.label(g), d.title, dprk.why(d)]),
		dprk.evidence(i, d),
		d.citation,
	)
}

# METADATA
# title: Banned fuel to the DPRK with an exemption reference
# description: >-
#   Aviation fuel or condensate to the DPRK is banned, but the row cites an
#   exemption (fuel for a civil passenger aircraft's return flight, or a
#   Committee approval for humanitarian needs). Check the reference; never
#   cleared automatically.
# related_resources:
#   - ref: https://undocs.org/S/RES/2270(2016)
#     description: UNSCR 2270 (2016) para 31
#   - ref: https://undocs.org/S/RES/2397(2017)
#     description: UNSCR 2397 (2017) para 25
# custom:
#   id: dprk.petroleum.exempted
#   severity: review
#   citation: UNSCR 2270 (2016) para 31; UNSCR 2397 (2017) para 25
warn contains r if {
	dprk.exempted
	some [i, g, d] in lines
	d.id in banned_ids
	dprk.banned(d)
	r := lib.reason_cited(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: %s to the DPRK is banned unless exempted; exemption cited: %s", [i, dprk.label(g), d.title, dprk.exemption_ref]),
		dprk.exempt_evidence(i, d),
		sprintf("%s; UNSCR 2397 (2017) para 25", [d.citation]),
	)
}
