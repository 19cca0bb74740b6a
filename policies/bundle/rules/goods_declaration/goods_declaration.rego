# Goods declarations that contradict themselves: a description that names
# goods the declared HS code cannot hold (mis-declaration is a common way to
# hide DPRK trade).

# METADATA
# scope: package
# custom:
#   requires: [goods_mismatch]
package screen.rules.goods_declaration

import data.screen.lib
import data.screen.lib.dprk

params := object.get(lib.params, "goods_declaration", {})

in_scope if dprk.nexus

in_scope if object.get(params, "any_route", false)

# METADATA
# title: Description does not fit the declared HS code
# description: >-
#   The description of a goods line names goods of a sanctions category that
#   its declared HS code cannot belong to (for example false eyelashes under
#   knitted apparel, or aluminium oxide under plastics). On a movement with
#   a DPRK link the declaration must be checked before the shipment goes
#   ahead; all cargo to and from the DPRK is subject to inspection.
# related_resources:
#   - ref: https://undocs.org/S/RES/2270(2016)
#     description: UNSCR 2270 (2016) para 18 (inspection of cargo to and from the DPRK)
#   - ref: https://www.wcoomd.org/en/topics/nomenclature/instrument-and-tools/hs-nomenclature-2022-edition.aspx
#     description: WCO Harmonized System nomenclature
# custom:
#   id: goods.hs_description_mismatch
#   severity: review
#   citation: UNSCR 2270 (2016) para 18; WCO Harmonized System
warn contains r if {
	in_scope
	some i, g in input.goods
	some d in dprk.details(g)
	d.id == "hs_description_mismatch"
	r := lib.reason(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: the description does not fit the declared code (%s)", [i, dprk.label(g), d.matched_by]),
		array.concat([dprk.goods_ptr(i)], object.get(dprk.route, "evidence", [])),
	)
}
