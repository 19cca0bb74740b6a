# Input quality: what could not be classified or screened in full is never
# cleared.

# METADATA
# scope: package
# custom:
#   requires: [goods_error, truncated]
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

# METADATA
# title: Input was cut to the screening limits
# description: >-
#   Part of the record was longer than screen screens (characters or tokens
#   of a name, names of a party, parties or goods lines of a record) and was
#   cut before matching. What was cut has not been screened, so the record
#   cannot be cleared: review it in full.
# related_resources:
#   - ref: https://ofac.treasury.gov/media/16331/download?inline
#     description: >-
#       OFAC, A Framework for OFAC Compliance Commitments (2019): deficiencies
#       in sanctions screening software and filters
# custom:
#   id: input.truncated
#   severity: review
#   citation: Screening procedure (fail closed on input not screened in full)
warn contains r if {
	cuts := input.record.truncated
	count(cuts) > 0
	r := lib.reason(
		rego.metadata.rule(),
		sprintf("input cut to the screening limits, not screened in full: %s", [concat("; ", cuts)]),
		[lib.pointer("truncated", i) | some i, _ in cuts],
	)
}
