# Ownership and control: a counterparty that is not itself listed but is
# owned, controlled by or linked to listed parties. The engine derives the
# relationship graph of the list snapshot (package ownership) and passes, for
# every party that matches a node of it, a finding in input.ownership with
# the regime, the basis, the aggregate share, the path and its sources.
# These rules decide.

# METADATA
# scope: package
# custom:
#   requires: [ownership]
package screen.rules.ownership

import data.screen.lib

params := lib.params.ownership

# evidence points at the party the finding concerns and, when the party
# was found through a list match, at that match (the finding itself, path
# and sum, is in the message).
evidence(f) := array.concat(
	[lib.pointer("parties", f.party)],
	sort([lib.pointer("matches", j) |
		some j, m in input.matches
		m.party == f.party
		m.entity_id == f.node_id
	]),
)

# msg names the party and, when it was found through a list match, the node.
msg(f) := sprintf("%s %q: %s", [f.role, f.query, f.explanation]) if {
	f.matched_by != "list_match"
} else := sprintf("%s %q (matched %s, %s): %s", [f.role, f.query, f.node_name, f.node_id, f.explanation])

ofac_share(f) if {
	f.regime == "ofac"
	f.basis in {"ofac_50", "aggregate_threshold"}
}

# control_test holds for the bases an "owned or controlled" test covers.
control_test(f) if f.basis in {"majority_owned", "director", "unknown_percent", "possibly_owned"}

# METADATA
# title: Owned 50 % or more by blocked persons (OFAC 50 % rule)
# description: >-
#   The counterparty is not on the SDN List, but persons blocked by OFAC own
#   50 % or more of it in the aggregate, directly or through entities that
#   are blocked for the same reason. Under OFAC's guidance such an entity is
#   itself blocked: its property is blocked and U.S. persons may not deal
#   with it. Holdings are summed, never multiplied along a chain.
# related_resources:
#   - ref: https://home.treasury.gov/system/files/126/licensing_guidance.pdf
#     description: >-
#       OFAC, Revised Guidance on Entities Owned by Persons Whose Property
#       and Interests in Property Are Blocked (13 August 2014)
#   - ref: https://ofac.treasury.gov/faqs/topic/1521
#     description: OFAC FAQs on entities owned by blocked persons (50 % rule)
# custom:
#   id: ownership.ofac_50
#   severity: block
#   citation: >-
#     OFAC, Revised Guidance on Entities Owned by Persons Whose Property and
#     Interests in Property Are Blocked (13 Aug 2014), 79 FR 47726
deny contains r if {
	some f in input.ownership
	ofac_share(f)
	f.sum >= params.block_percent
	r := lib.reason(rego.metadata.rule(), msg(f), evidence(f))
}

# METADATA
# title: Significant ownership by blocked persons below 50 %
# description: >-
#   Blocked persons own less than 50 % of the counterparty in the aggregate,
#   but at least the review level set in policy data
#   (screen.params.ownership.review_percent). The entity is not blocked by
#   operation of law, but OFAC advises caution: such entities may be
#   designated or controlled by other means. A compliance officer must
#   review the ownership.
# related_resources:
#   - ref: https://home.treasury.gov/system/files/126/licensing_guidance.pdf
#     description: OFAC, Revised Guidance on Entities Owned by Blocked Persons (13 August 2014)
# custom:
#   id: ownership.ofac_significant
#   severity: review
#   citation: >-
#     OFAC, Revised Guidance on Entities Owned by Persons Whose Property and
#     Interests in Property Are Blocked (13 Aug 2014): caution for significant
#     ownership below 50 % and for control by other means
warn contains r if {
	some f in input.ownership
	ofac_share(f)
	f.sum >= params.review_percent
	f.sum < params.block_percent
	r := lib.reason(rego.metadata.rule(), msg(f), evidence(f))
}

# METADATA
# title: Ownership share of a blocked person is unknown
# description: >-
#   A blocked person holds a share of the counterparty whose size the source
#   does not give, and the known shares alone do not reach 50 %, or the
#   counterparty may be owned 50 % or more through owners that are
#   themselves under review. The entity may be blocked: it cannot be cleared
#   until the ownership is established.
# related_resources:
#   - ref: https://home.treasury.gov/system/files/126/licensing_guidance.pdf
#     description: OFAC, Revised Guidance on Entities Owned by Blocked Persons (13 August 2014)
# custom:
#   id: ownership.ofac_unknown
#   severity: review
#   citation: >-
#     OFAC, Revised Guidance on Entities Owned by Persons Whose Property and
#     Interests in Property Are Blocked (13 Aug 2014) (ownership not established)
warn contains r if {
	some f in input.ownership
	f.regime == "ofac"
	f.basis in {"unknown_percent", "possibly_owned"}
	r := lib.reason(rego.metadata.rule(), msg(f), evidence(f))
}

# METADATA
# title: Controlled through directorship by a blocked person
# description: >-
#   A person on the SDN List is a director or officer of the counterparty.
#   Control by means other than majority ownership does not block an entity
#   by operation of law, but OFAC advises caution, and a blocked person may
#   not be dealt with when acting for the entity.
# related_resources:
#   - ref: https://home.treasury.gov/system/files/126/licensing_guidance.pdf
#     description: OFAC, Revised Guidance on Entities Owned by Blocked Persons (13 August 2014)
# custom:
#   id: ownership.ofac_control
#   severity: review
#   citation: >-
#     OFAC, Revised Guidance on Entities Owned by Persons Whose Property and
#     Interests in Property Are Blocked (13 Aug 2014): control by other means;
#     dealings with blocked persons acting for an entity
warn contains r if {
	some f in input.ownership
	f.regime == "ofac"
	f.basis == "director"
	r := lib.reason(rego.metadata.rule(), msg(f), evidence(f))
}

# METADATA
# title: Linked to a listed party
# description: >-
#   The list states a link between the counterparty and a listed party
#   (OFAC's "Linked To:" remark, or a link in another source). A link is not
#   a designation, but it is the reason the listed party was designated or a
#   sign of a relationship: review before dealing.
# related_resources:
#   - ref: https://ofac.treasury.gov/specially-designated-nationals-and-blocked-persons-list-sdn-human-readable-lists
#     description: OFAC SDN List ("Linked To:" remarks)
# custom:
#   id: ownership.linked_to
#   severity: review
#   citation: OFAC SDN List, "Linked To:" remark of the listed entry (see message)
warn contains r if {
	some f in input.ownership
	f.basis == "linked_to"
	r := lib.reason(rego.metadata.rule(), msg(f), evidence(f))
}

# METADATA
# title: Relative or associate of a listed person
# description: >-
#   The counterparty is a family member or a known associate of a listed
#   person. Relatives and associates are not designated by that fact, but
#   funds made available to them may benefit the listed person: review.
# related_resources:
#   - ref: https://www.gov.uk/government/publications/financial-sanctions-general-guidance
#     description: OFSI, UK Financial Sanctions General Guidance (making funds available indirectly)
# custom:
#   id: ownership.related_person
#   severity: review
#   citation: >-
#     Prohibition on making funds or economic resources available, directly or
#     indirectly, to or for the benefit of a designated person
warn contains r if {
	some f in input.ownership
	f.basis in {"family", "associate"}
	r := lib.reason(rego.metadata.rule(), msg(f), evidence(f))
}

# METADATA
# title: Owned or controlled by a person listed by the EU
# description: >-
#   Persons on the EU consolidated list hold more than 50 % of the
#   proprietary rights of the counterparty, control it (a listed director),
#   or may do so (shares of unknown size, owners under review). Under the EU
#   Council's best practices, funds of an entity owned or controlled by a
#   listed person are presumed to be under that person's control and are
#   frozen, unless the presumption is rebutted: review.
# related_resources:
#   - ref: https://data.consilium.europa.eu/doc/document/ST-10572-2022-INIT/en/pdf
#     description: >-
#       Council of the EU, EU Best Practices for the effective implementation
#       of restrictive measures (ownership and control)
# custom:
#   id: ownership.eu_control
#   severity: review
#   citation: >-
#     Council of the EU, EU Best Practices for the effective implementation of
#     restrictive measures, "ownership and control" criteria (more than 50 %
#     of proprietary rights; control)
warn contains r if {
	some f in input.ownership
	f.regime == "eu"
	control_test(f)
	r := lib.reason(rego.metadata.rule(), msg(f), evidence(f))
}

# METADATA
# title: Owned or controlled by a person designated by the UK
# description: >-
#   Persons on the UK Sanctions List hold more than 50 % of the shares or
#   voting rights of the counterparty, control it (a designated director),
#   or may do so. An entity owned or controlled, directly or indirectly, by
#   a designated person is subject to the same asset freeze: review.
# related_resources:
#   - ref: https://www.gov.uk/government/publications/financial-sanctions-general-guidance
#     description: OFSI, UK Financial Sanctions General Guidance, chapter 4 (ownership and control)
# custom:
#   id: ownership.uk_control
#   severity: review
#   citation: >-
#     OFSI, UK Financial Sanctions General Guidance, ownership and control
#     (more than 50 % of shares or voting rights; right to appoint the board;
#     control in fact)
warn contains r if {
	some f in input.ownership
	f.regime == "uk"
	control_test(f)
	r := lib.reason(rego.metadata.rule(), msg(f), evidence(f))
}

# METADATA
# title: Owned or controlled by a UN-designated party
# description: >-
#   Parties designated by the UN Security Council hold more than 50 % of the
#   counterparty, control it, or may do so. The DPRK asset freeze extends to
#   funds and economic resources owned or controlled, directly or
#   indirectly, by designated persons or entities: review.
# related_resources:
#   - ref: https://main.un.org/securitycouncil/en/s/res/1718-%282006%29
#     description: UN Security Council resolution 1718 (2006)
# custom:
#   id: ownership.un_control
#   severity: review
#   citation: UNSCR 1718 (2006) para 8(d) (funds owned or controlled, directly or indirectly, by designated persons)
warn contains r if {
	some f in input.ownership
	f.regime == "un"
	control_test(f)
	r := lib.reason(rego.metadata.rule(), msg(f), evidence(f))
}

# METADATA
# title: Owned or controlled by a party on another list
# description: >-
#   Parties on a list with no ownership rule of its own (OpenSanctions, an
#   internal watchlist, ...) hold more than 50 % of the counterparty,
#   control it, or may do so: review under the screening procedure.
# related_resources:
#   - ref: https://www.opensanctions.org/docs/
#     description: OpenSanctions documentation
# custom:
#   id: ownership.other_control
#   severity: review
#   citation: Screening procedure (ownership or control by a listed party)
warn contains r if {
	some f in input.ownership
	f.regime == "other"
	control_test(f)
	r := lib.reason(rego.metadata.rule(), msg(f), evidence(f))
}

handled(f) if ofac_share(f)

handled(f) if {
	f.regime == "ofac"
	f.basis in {"unknown_percent", "possibly_owned", "director"}
}

handled(f) if f.basis in {"linked_to", "family", "associate"}

handled(f) if {
	f.regime in {"eu", "uk", "un", "other"}
	control_test(f)
}

# METADATA
# title: Ownership finding no rule handles
# description: >-
#   The ownership graph reported a finding (a regime or basis) that no rule of
#   this policy knows, or an OFAC share below the review level that the graph
#   still marked. Fail closed: review it.
# related_resources:
#   - ref: https://home.treasury.gov/system/files/126/licensing_guidance.pdf
#     description: OFAC, Revised Guidance on Entities Owned by Blocked Persons (13 August 2014)
# custom:
#   id: ownership.unhandled
#   severity: review
#   citation: Screening procedure (fail closed on unrecognised findings)
warn contains r if {
	some f in input.ownership
	unhandled(f)
	r := lib.reason(rego.metadata.rule(), sprintf("%s (regime %q, basis %q, status %q)", [msg(f), f.regime, f.basis, f.status]), evidence(f))
}

unhandled(f) if not handled(f)

unhandled(f) if {
	ofac_share(f)
	f.sum < params.review_percent
}
