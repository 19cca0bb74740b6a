# Party screening: a counterparty that matches a listed entity.

# METADATA
# scope: package
# custom:
#   requires: [matches]
package screen.rules.sanctions

import data.screen.lib

# lists holds the title and citation of each known list.
lists := lib.params.sanctions.lists

review_only_lists := {l | some l in lib.params.sanctions.review_only_lists}

# list_citation cites the list a match came from, with the entity and its programs.
list_citation(m) := sprintf("%s, entry %s%s", [lists[m.list].citation, m.entity_id, programs_suffix(m)]) if {
	lists[m.list]
} else := sprintf("Sanctions list %q, entry %s%s", [m.list, m.entity_id, programs_suffix(m)])

# list_label names the list a match came from for messages.
list_label(m) := lists[m.list].title if {
	lists[m.list]
} else := sprintf("list %q", [m.list])

programs_suffix(m) := sprintf(" (programs: %s)", [concat(", ", m.programs)]) if {
	count(m.programs) > 0
} else := ""

id_confirmed(m) if {
	some f in m.features
	f.name == "id"
	f.value >= 1
}

strong(m) if m.score >= lib.params.match.block

strong(m) if {
	lib.params.match.id_confirms
	id_confirmed(m)
}

# blocking holds the indexes of the matches that block: strong, on a list
# that is not review-only. Computed once per record for both rules.
blocking contains i if {
	some i, m in input.matches
	not review_only_lists[m.list]
	strong(m)
}

# METADATA
# title: Party matches a sanctions list entry
# description: >-
#   A counterparty's name (with its qualifiers: identifiers, date of birth,
#   country, kind) matches a listed entity at or above the block threshold,
#   or an identifier such as an IMO or passport number confirms the match.
#   Dealing with a designated party is prohibited: stop the transaction.
# related_resources:
#   - ref: https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list
#     description: UN Security Council Consolidated List
#   - ref: https://ofac.treasury.gov/specially-designated-nationals-and-blocked-persons-list-sdn-human-readable-lists
#     description: OFAC SDN List
# custom:
#   id: sanctions.match.strong
#   severity: block
#   citation: Sanctions list entry (see message)
deny contains r if {
	some i in blocking
	m := input.matches[i]
	r := lib.reason_cited(
		rego.metadata.rule(),
		sprintf("%s %q matches %q on the %s (%s, score %d%%)", [m.role, m.query, m.name, list_label(m), m.entity_id, round(m.score * 100)]),
		[lib.pointer("matches", i), lib.pointer("parties", m.party)],
		list_citation(m),
	)
}

# METADATA
# title: Party possibly matches a sanctions list entry
# description: >-
#   A counterparty's name is similar to a listed entity but below the block
#   threshold, or the list is configured as review-only. A compliance officer
#   must confirm or dismiss the match before the transaction goes ahead.
# related_resources:
#   - ref: https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list
#     description: UN Security Council Consolidated List
# custom:
#   id: sanctions.match.possible
#   severity: review
#   citation: Sanctions list entry (see message)
warn contains r if {
	some i, m in input.matches
	m.score >= lib.params.match.review
	not blocking[i]
	r := lib.reason_cited(
		rego.metadata.rule(),
		sprintf("%s %q may match %q on the %s (%s, score %d%%)", [m.role, m.query, m.name, list_label(m), m.entity_id, round(m.score * 100)]),
		[lib.pointer("matches", i), lib.pointer("parties", m.party)],
		list_citation(m),
	)
}
