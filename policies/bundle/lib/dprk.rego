# Helpers shared by the DPRK goods, petroleum, luxury, dual-use, services and
# vessel rule families. They read input.goods (goods.Classifier output) and
# input.route (goods.RouteFacts).
package screen.lib.dprk

import data.screen.lib

# params are the thresholds every DPRK family shares.
params := object.get(lib.params, "dprk", {})

# description_block_min is the lowest confidence at which a category found
# only in the description of a line blocks; below it the line is reviewed.
description_block_min := object.get(params, "description_block_min", 0.75)

# route is input.route ({} when absent). It is read by path, not with
# object.get(input, ...), so the policy memo sees which input parts the
# DPRK families depend on.
route := input.route if {
	input.route
} else := {}

from_dprk if route.from_dprk == true

to_dprk if route.to_dprk == true

involved if from_dprk

involved if to_dprk

# dprk_parties are the indexes of parties in the DPRK.
dprk_parties := object.get(route, "dprk_parties", [])

# nexus: the route or a counterparty touches the DPRK.
nexus if involved

nexus if count(dprk_parties) > 0

nexus if route.vessel_flag_dprk == true

# details returns the categories of a goods line ([] when none).
details(g) := object.get(g, "details", [])

imports(d) if d.direction in {"import_from_dprk", "both"}

exports(d) if d.direction in {"export_to_dprk", "both"}

# applies(d): the category's direction matches the route.
applies(d) if {
	imports(d)
	from_dprk
}

applies(d) if {
	exports(d)
	to_dprk
}

from_evidence(d) := object.get(route, "from_evidence", []) if {
	imports(d)
	from_dprk
} else := []

to_evidence(d) := object.get(route, "to_evidence", []) if {
	exports(d)
	to_dprk
} else := []

party_evidence := [lib.pointer("parties", p) | some p in dprk_parties]

# route_evidence(d) points at what makes the route match d's direction.
route_evidence(d) := sort({e | some e in array.concat(from_evidence(d), to_evidence(d))})

goods_ptr(i) := lib.pointer("goods", i)

# evidence(i, d) points at the goods line and the route facts.
evidence(i, d) := array.concat([goods_ptr(i)], route_evidence(d))

# nexus_evidence(i) points at the goods line, the route and DPRK parties.
nexus_evidence(i) := array.concat(
	[goods_ptr(i)],
	sort({e | some e in array.concat(object.get(route, "evidence", []), party_evidence)}),
)

by_description(d) if startswith(object.get(d, "matched_by", ""), "description:")

# decisive(d): an HS code selected the category, or the description matched
# it with enough confidence to block.
decisive(d) if not by_description(d)

decisive(d) if {
	by_description(d)
	d.confidence >= description_block_min
}

# exemption_ref is a 1718 Committee exemption, approval or notification
# reference given in the row. It turns blocks into reviews, never clears.
exemption_ref := ref if {
	ref := object.get(route, "exemption_ref", "")
	ref != ""
}

exempted if exemption_ref

# exemption_evidence points at where the exemption reference was found.
exemption_evidence := [e | e := object.get(route, "exemption_evidence", ""); e != ""]

# exempt_evidence(i, d) is evidence(i, d) plus the exemption reference.
exempt_evidence(i, d) := array.concat(evidence(i, d), exemption_evidence)

# label names a goods line for messages: its HS code and description.
label(g) := sprintf("HS %s %q", [g.hs, g.description]) if {
	object.get(g, "hs", "") != ""
	object.get(g, "description", "") != ""
} else := sprintf("HS %s", [g.hs]) if {
	object.get(g, "hs", "") != ""
} else := sprintf("%q", [object.get(g, "description", "")])

# direction_phrase says how the movement relates to the DPRK.
direction_phrase(d) := "procured from the DPRK" if {
	d.direction == "import_from_dprk"
} else := "supplied to the DPRK" if {
	d.direction == "export_to_dprk"
} else := "procured from the DPRK" if {
	from_dprk
	not to_dprk
} else := "supplied to the DPRK" if {
	to_dprk
	not from_dprk
} else := "moving to or from the DPRK"

# review_measure: measures a screening tool can only review.
review_measure(d) if d.measure in {"review", "cap", "licence"}

# reviewable(d): a review measure, or a ban found only weakly in the
# description.
reviewable(d) if review_measure(d)

reviewable(d) if {
	d.measure == "ban"
	not decisive(d)
}

# banned(d): a ban that blocks on its own.
banned(d) if {
	d.measure == "ban"
	decisive(d)
}

# why explains a review: the measure, or the weak description match.
why(d) := sprintf("measure: %s", [d.measure]) if {
	review_measure(d)
} else := sprintf("found only in the description (%s, confidence %v)", [d.matched_by, d.confidence])

# petroleum categories belong to the dprk_petroleum family.
petroleum_ids := {
	"dprk.export.refined_petroleum",
	"dprk.export.crude_oil",
	"dprk.export.condensate_ngl",
	"dprk.export.aviation_fuel",
}

luxury(d) if startswith(d.id, "dprk.export.luxury.")

# export_goods(d): a dprk.export.* category of the dprk_goods_export family.
export_goods(d) if {
	startswith(d.id, "dprk.export.")
	not luxury(d)
	not d.id in petroleum_ids
}
