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
list_citation(m) := sprintf("%s, entry %s%s", [l.citation, m.entity_id, programs_suffix(m)]) if {
	l := lists[m.list]
} else := sprintf("Sanctions list %q, entry %s%s", [m.list, m.entity_id, programs_suffix(m)])

# list_label names the list a match came from for messages.
list_label(m) := l.title if {
	l := lists[m.list]
} else := sprintf("list %q", [m.list])

programs_suffix(m) := sprintf(" (programs: %s)", [concat(", ", m.programs)]) if {
	count(m.programs) > 0
} else := ""

# strong_at holds the indexes of the matches that are strong enough to block.
# A name match is strong when the score with its qualifiers and the score of
# the names alone (name_score; its score when a caller gives none) both
# reach the block line, and nothing contradicts it (an IMO number that
# differs from the listed one): qualifiers such as country and date of
# birth lift or lower a score, they never carry a match across the line on
# their own. A match confirmed by an identifier (id_match) is strong when
# params.match.id_confirms is set.
#
# The tests are written out once for all matches rather than as functions
# called per match: this family is evaluated for every record with matches,
# and in OPA a function call costs more than the comparisons it makes.
strong_at contains i if {
	some i, m in input.matches
	m.score >= lib.params.match.block
	object.get(m, "name_score", m.score) >= lib.params.match.block
	count(object.get(m, "conflicts", [])) == 0
}

strong_at contains i if {
	lib.params.match.id_confirms
	some i, m in input.matches
	object.get(m, "id_match", "") != ""
}

# possible_at holds the indexes of the matches that reach the review line,
# by their score and by their names alone, or are confirmed by an
# identifier.
possible_at contains i if {
	some i, m in input.matches
	m.score >= lib.params.match.review
	object.get(m, "name_score", m.score) >= lib.params.match.review
}

possible_at contains i if {
	some i, m in input.matches
	object.get(m, "id_match", "") != ""
}

# conflicts_suffix explains what contradicts a match.
conflicts_suffix(m) := sprintf("; %s: not a match on the name alone", [concat(", ", m.conflicts)]) if {
	count(object.get(m, "conflicts", [])) > 0
} else := ""

# blocking holds the indexes of the matches that block: strong, on a list
# that is not review-only. Computed once per record for both rules.
blocking contains i if {
	some i in strong_at
	not review_only_lists[input.matches[i].list]
}

# METADATA
# title: Party matches a sanctions list entry
# description: >-
#   A counterparty's name matches a listed entity at or above the block
#   threshold, by its names alone and with its qualifiers (date of birth,
#   country, kind), and no identifier contradicts it; or an identifier such
#   as an IMO or passport number confirms the match.
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

	# r is the object lib.reason_cited builds, written out (here and in
	# warn): a function call less per reason.
	meta := rego.metadata.rule()
	r := {
		"rule": meta.custom.id,
		"title": meta.title,
		"citation": list_citation(m),
		"msg": sprintf("%s %q matches %q on the %s (%s, score %d%%)", [m.role, m.query, m.name, list_label(m), m.entity_id, round(m.score * 100)]),
		"evidence": [lib.pointer("matches", i), lib.pointer("parties", m.party)],
	}
}

# METADATA
# title: Party possibly matches a sanctions list entry
# description: >-
#   A counterparty's name is similar to a listed entity (at or above the
#   review threshold by its names alone and with its qualifiers) but below
#   the block threshold, or an identifier such as a different IMO number
#   contradicts it, or the list is configured as review-only. A compliance
#   officer must confirm or dismiss the match before the transaction goes
#   ahead.
# related_resources:
#   - ref: https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list
#     description: UN Security Council Consolidated List
# custom:
#   id: sanctions.match.possible
#   severity: review
#   citation: Sanctions list entry (see message)
warn contains r if {
	some i in possible_at
	not blocking[i]
	m := input.matches[i]
	meta := rego.metadata.rule()
	r := {
		"rule": meta.custom.id,
		"title": meta.title,
		"citation": list_citation(m),
		"msg": sprintf("%s %q may match %q on the %s (%s, score %d%%%s)", [m.role, m.query, m.name, list_label(m), m.entity_id, round(m.score * 100), conflicts_suffix(m)]),
		"evidence": [lib.pointer("matches", i), lib.pointer("parties", m.party)],
	}
}
