# Input quality: what could not be classified is never cleared.

# METADATA
# scope: package
# custom:
#   requires: [goods_error]
package screen.rules.input

import data.screen.lib

# METADATA
# title: Goods line could not be classified
# description: >-
#   The HS code of a goods line is invalid (letters, wrong length, unknown
#   chapter) and the line could not be classified. The shipment cannot be
#   cleared until the code is corrected: fail closed.
# related_resources:
#   - ref: https://www.wcoomd.org/en/topics/nomenclature/instrument-and-tools/hs-nomenclature-2022-edition.aspx
#     description: WCO Harmonized System nomenclature
# custom:
#   id: input.goods_unclassified
#   severity: review
#   citation: Screening procedure (fail closed on unreadable goods data)
warn contains r if {
	some i, g in input.goods
	g.error != ""
	r := lib.reason(rego.metadata.rule(), sprintf("goods line %d: %s", [i, g.error]), [lib.pointer("goods", i)])
}
