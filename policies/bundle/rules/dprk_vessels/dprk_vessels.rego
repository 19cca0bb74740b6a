# Vessels: DPRK-flagged ships, ship-to-ship transfers and vessel services
# (chartering, crewing, classification, insurance) with a DPRK nexus. Ships
# as goods (HS 89) are in the goods families.

# METADATA
# scope: package
# custom:
#   requires: [dprk_route]
package screen.rules.dprk_vessels

import data.screen.lib
import data.screen.lib.dprk

params := object.get(lib.params, "dprk_vessels", {})

flag_block := object.get(params, "flag_block", true)

vessel_parties := object.get(dprk.route, "vessel_parties", [])

vessel_evidence := [lib.pointer("parties", p) | some p in vessel_parties]

flagged if dprk.route.vessel_flag_dprk == true

# sts: where the row mentions a ship-to-ship transfer.
sts contains "fields" if "ship_to_ship" in object.get(dprk.route, "indicators", [])

sts contains dprk.goods_ptr(i) if {
	some i, g in input.goods
	some d in dprk.details(g)
	d.id == "dprk.vessels.ship_to_ship"
}

sts_evidence := sort({e | some e in sts; e != "fields"})

# vessel_names are the names of the DPRK-flagged vessels (route facts).
vessel_names := object.get(dprk.route, "vessel_names", [])

flag_message := sprintf("vessel %s flies the DPRK flag", [concat(", ", [sprintf("%q", [n]) | some n in vessel_names])]) if {
	count(vessel_names) > 0
} else := "a vessel of the record flies the DPRK flag"

# METADATA
# title: Ship-to-ship transfer with a DPRK-flagged vessel
# description: >-
#   The row mentions a ship-to-ship transfer and a vessel of the record flies
#   the DPRK flag. Facilitating or engaging in ship-to-ship transfers to or
#   from DPRK-flagged vessels of any goods is prohibited.
# related_resources:
#   - ref: https://undocs.org/S/RES/2375(2017)
#     description: UNSCR 2375 (2017) para 11
# custom:
#   id: dprk.vessels.ship_to_ship
#   severity: block
#   citation: UNSCR 2375 (2017) para 11
deny contains r if {
	count(sts) > 0
	flagged
	r := lib.reason(
		rego.metadata.rule(),
		sprintf("ship-to-ship transfer mentioned and %s", [flag_message]),
		array.concat(vessel_evidence, sts_evidence),
	)
}

# METADATA
# title: Ship-to-ship transfer on a DPRK route
# description: >-
#   The row mentions a ship-to-ship transfer and the movement or a
#   counterparty touches the DPRK, but no vessel is known to fly the DPRK
#   flag. STS transfers are the main evasion technique for petroleum and
#   coal: identify every vessel involved (IMO numbers, AIS records).
# related_resources:
#   - ref: https://undocs.org/S/RES/2375(2017)
#     description: UNSCR 2375 (2017) para 11
#   - ref: https://undocs.org/S/RES/2397(2017)
#     description: UNSCR 2397 (2017) paras 9-12
# custom:
#   id: dprk.vessels.sts_review
#   severity: review
#   citation: UNSCR 2375 (2017) para 11
warn contains r if {
	count(sts) > 0
	not flagged
	dprk.nexus
	r := lib.reason(
		rego.metadata.rule(),
		"ship-to-ship transfer mentioned on a movement with a DPRK link; identify every vessel involved",
		array.concat(sts_evidence, object.get(dprk.route, "evidence", [])),
	)
}

# METADATA
# title: DPRK-flagged vessel
# description: >-
#   A vessel of the record flies the DPRK flag. Chartering DPRK-flagged
#   vessels and providing them with crew, classification, certification or
#   insurance is prohibited, and their cargo is subject to inspection.
#   Configurable (data.screen.params.dprk_vessels.flag_block) to review.
# related_resources:
#   - ref: https://undocs.org/S/RES/2371(2017)
#     description: UNSCR 2371 (2017) para 7 (chartering of DPRK-flagged vessels)
#   - ref: https://undocs.org/S/RES/2270(2016)
#     description: UNSCR 2270 (2016) paras 18-20
# custom:
#   id: dprk.vessels.dprk_flag
#   severity: block
#   citation: UNSCR 2371 (2017) para 7; UNSCR 2270 (2016) paras 19-20
deny contains r if {
	flag_block
	flagged
	r := lib.reason(rego.metadata.rule(), flag_message, vessel_evidence)
}

# METADATA
# title: DPRK-flagged vessel (review)
# description: >-
#   A vessel of the record flies the DPRK flag and the policy data set
#   dprk_vessels.flag_block to false: the vessel's use must be reviewed.
# related_resources:
#   - ref: https://undocs.org/S/RES/2371(2017)
#     description: UNSCR 2371 (2017) para 7
# custom:
#   id: dprk.vessels.dprk_flag_review
#   severity: review
#   citation: UNSCR 2371 (2017) para 7; UNSCR 2270 (2016) paras 19-20
warn contains r if {
	not flag_block
	flagged
	r := lib.reason(rego.metadata.rule(), flag_message, vessel_evidence)
}

services contains [i, g, d] if {
	dprk.nexus
	some i, g in input.goods
	some d in dprk.details(g)
	d.id == "dprk.vessels.services"
}

# METADATA
# title: Vessel services with a DPRK nexus
# description: >-
#   A line describes chartering, crewing, ship management, classification,
#   registration or insurance, and the record has a DPRK-flagged vessel, a
#   DPRK counterparty or a DPRK route. These services are prohibited for
#   DPRK vessels and for vessels carrying prohibited cargo.
# related_resources:
#   - ref: https://undocs.org/S/RES/2371(2017)
#     description: UNSCR 2371 (2017) para 7
#   - ref: https://undocs.org/S/RES/2397(2017)
#     description: UNSCR 2397 (2017) paras 9-12
# custom:
#   id: dprk.vessels.services
#   severity: block
#   citation: UNSCR 2371 (2017) para 7; UNSCR 2270 (2016) paras 19-20
deny contains r if {
	some [i, g, d] in services
	dprk.banned(d)
	r := lib.reason_cited(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: %s with a DPRK nexus (%s)", [i, dprk.label(g), d.title, d.matched_by]),
		array.concat(dprk.nexus_evidence(i), vessel_evidence),
		d.citation,
	)
}

# METADATA
# title: Possible vessel services with a DPRK nexus
# description: >-
#   A line may describe vessel services (chartering, crewing, insurance) for
#   a record with a DPRK nexus, but the description match is weak.
# related_resources:
#   - ref: https://undocs.org/S/RES/2371(2017)
#     description: UNSCR 2371 (2017) para 7
# custom:
#   id: dprk.vessels.services_review
#   severity: review
#   citation: UNSCR 2371 (2017) para 7
warn contains r if {
	some [i, g, d] in services
	dprk.reviewable(d)
	r := lib.reason_cited(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: %s with a DPRK nexus; %s", [i, dprk.label(g), d.title, dprk.why(d)]),
		array.concat(dprk.nexus_evidence(i), vessel_evidence),
		d.citation,
	)
}
