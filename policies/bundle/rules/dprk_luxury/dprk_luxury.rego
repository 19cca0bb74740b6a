# Luxury goods supplied to the DPRK: the UN annexes (jewellery, yachts,
# luxury cars, watches, lead crystal, sports equipment; rugs and porcelain
# above value thresholds) and national luxury lists (reviewed).

# METADATA
# scope: package
# custom:
#   requires: [dprk_route]
package screen.rules.dprk_luxury

import data.screen.lib
import data.screen.lib.dprk

params := object.get(lib.params, "dprk_luxury", {})

# thresholds_usd maps a category id to its value threshold per item; the
# defaults are those of UNSCR 2321 Annex IV and 2270 Annex V.
thresholds := object.get(params, "thresholds_usd", {
	"dprk.export.luxury.rugs": 500,
	"dprk.export.luxury.porcelain": 100,
	"dprk.export.luxury.snowmobiles": 2000,
})

count_units := {lower(u) | some u in object.get(params, "count_units", ["pcs", "pc", "piece", "pieces", "unit", "units", "ea", "each", "set", "sets", "nos", "no"])}

usd_codes := {lower(c) | some c in object.get(params, "usd_currencies", ["USD", "US$", "$"])}

# luxury lines supplied to the DPRK: [index, line, category].
lines contains [i, g, d] if {
	dprk.to_dprk
	some i, g in input.goods
	some d in dprk.details(g)
	dprk.luxury(d)
}

# record_line(g) is the input goods line a classification refers to.
record_line(g) := rl if {
	rl := input.record.goods[g.line]
} else := {}

# number parses a plain decimal ("1,250.00" too); undefined otherwise.
number(s) := to_number(n) if {
	n := replace(trim_space(s), ",", "")
	regex.match(`^[0-9]+(\.[0-9]+)?$`, n)
}

# total_usd(g) is the line's declared value in US dollars.
total_usd(g) := v if {
	rl := record_line(g)
	lower(trim_space(object.get(rl, "currency", ""))) in usd_codes
	v := number(object.get(rl, "value", ""))
}

# unit_usd(g) is the value per item, when the quantity counts items.
unit_usd(g) := total_usd(g) / q if {
	rl := record_line(g)
	lower(trim_space(object.get(rl, "unit", ""))) in count_units
	q := number(object.get(rl, "quantity", ""))
	q > 0
}

threshold_category(d) if thresholds[d.id]

# over(g, d): the value per item exceeds the category's threshold.
over(g, d) if unit_usd(g) > thresholds[d.id]

# under(g, d): no item can exceed the threshold.
under(g, d) if total_usd(g) <= thresholds[d.id]

under(g, d) if unit_usd(g) <= thresholds[d.id]

national(d) if d.measure == "review"

value_note(g) := sprintf("declared value %v %v for %v %v", [rl.value, rl.currency, rl.quantity, rl.unit]) if {
	rl := record_line(g)
	rl.value
	rl.currency
	rl.quantity
	rl.unit
} else := "declared value, currency or item count missing"

# METADATA
# title: Luxury goods to the DPRK are banned
# description: >-
#   A goods line is a luxury item of the UN annexes (jewellery with pearls,
#   gems or precious metal; yachts and personal watercraft; luxury and
#   racing cars; watches with precious-metal cases; lead crystal;
#   recreational sports equipment) supplied to the DPRK.
# related_resources:
#   - ref: https://undocs.org/S/RES/1718(2006)
#     description: UNSCR 1718 (2006) para 8(a)(iii)
#   - ref: https://undocs.org/S/RES/2094(2013)
#     description: UNSCR 2094 (2013) Annex IV
#   - ref: https://undocs.org/S/RES/2270(2016)
#     description: UNSCR 2270 (2016) Annex V
# custom:
#   id: dprk.luxury.ban
#   severity: block
#   citation: UNSCR 1718 (2006) para 8(a)(iii) and the luxury annexes (see the category citation)
deny contains r if {
	not dprk.exempted
	some [i, g, d] in lines
	not national(d)
	not threshold_category(d)
	dprk.banned(d)
	r := lib.reason_cited(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: %s, supplied to the DPRK (%s)", [i, dprk.label(g), d.title, d.matched_by]),
		dprk.evidence(i, d),
		d.citation,
	)
}

# METADATA
# title: Luxury goods to the DPRK above the value threshold
# description: >-
#   Rugs and tapestries over US$500 and porcelain or bone-china tableware
#   over US$100 (per item) are luxury goods of UNSCR 2321 Annex IV and may
#   not be supplied to the DPRK. The thresholds are policy data.
# related_resources:
#   - ref: https://undocs.org/S/RES/2321(2016)
#     description: UNSCR 2321 (2016) Annex IV
# custom:
#   id: dprk.luxury.over_threshold
#   severity: block
#   citation: UNSCR 2321 (2016) Annex IV
deny contains r if {
	not dprk.exempted
	some [i, g, d] in lines
	dprk.banned(d)
	over(g, d)
	r := lib.reason_cited(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: %s, supplied to the DPRK at US$%v per item (threshold US$%v)", [i, dprk.label(g), d.title, round(unit_usd(g) * 100) / 100, thresholds[d.id]]),
		dprk.evidence(i, d),
		d.citation,
	)
}

# METADATA
# title: Luxury goods to the DPRK with an unknown value per item
# description: >-
#   A rug, tapestry or porcelain tableware line to the DPRK may exceed the
#   luxury value threshold, but its value per item cannot be worked out
#   (value, US-dollar currency or item count missing). Review it.
# related_resources:
#   - ref: https://undocs.org/S/RES/2321(2016)
#     description: UNSCR 2321 (2016) Annex IV
# custom:
#   id: dprk.luxury.value_unknown
#   severity: review
#   citation: UNSCR 2321 (2016) Annex IV
warn contains r if {
	some [i, g, d] in lines
	threshold_category(d)
	d.measure == "ban"
	not over(g, d)
	not under(g, d)
	r := lib.reason_cited(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: %s to the DPRK is banned above US$%v per item; %s", [i, dprk.label(g), d.title, thresholds[d.id], value_note(g)]),
		dprk.evidence(i, d),
		d.citation,
	)
}

# METADATA
# title: Possible luxury goods to the DPRK
# description: >-
#   A goods line to the DPRK is on national luxury lists (spirits, wine,
#   tobacco, caviar, perfume, furs, handbags, art) - the UN annexes are "not
#   exhaustive" - or matches a UN luxury category only weakly by
#   description, or cites an exemption. Review it.
# related_resources:
#   - ref: https://undocs.org/S/RES/1718(2006)
#     description: UNSCR 1718 (2006) para 8(a)(iii)
#   - ref: https://eur-lex.europa.eu/eli/reg/2017/1509/oj
#     description: EU Regulation 2017/1509 Annex VIII (luxury goods)
# custom:
#   id: dprk.luxury.review
#   severity: review
#   citation: UNSCR 1718 (2006) para 8(a)(iii) (see the category citation)
warn contains r if {
	some [i, g, d] in lines
	dprk.reviewable(d)
	r := lib.reason_cited(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: %s, supplied to the DPRK; %s", [i, dprk.label(g), d.title, dprk.why(d)]),
		dprk.evidence(i, d),
		d.citation,
	)
}

# METADATA
# title: Luxury goods to the DPRK with an exemption reference
# description: >-
#   A luxury line to the DPRK would be blocked, but the row cites a 1718
#   Committee exemption. Check the reference; never cleared automatically.
# related_resources:
#   - ref: https://undocs.org/S/RES/2397(2017)
#     description: UNSCR 2397 (2017) para 25
# custom:
#   id: dprk.luxury.exempted
#   severity: review
#   citation: UNSCR 2397 (2017) para 25
warn contains r if {
	dprk.exempted
	some [i, g, d] in lines
	dprk.banned(d)
	not under(g, d)
	r := lib.reason_cited(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: %s to the DPRK is banned unless exempted; exemption cited: %s", [i, dprk.label(g), d.title, dprk.exemption_ref]),
		dprk.exempt_evidence(i, d),
		sprintf("%s; UNSCR 2397 (2017) para 25", [d.citation]),
	)
}
