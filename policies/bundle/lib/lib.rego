# Helpers shared by every rule family.
package screen.lib

# reason builds the object a deny/warn rule emits. Pass rego.metadata.rule()
# as meta so the rule id, title and citation come from the rule's METADATA.
reason(meta, msg, evidence) := {
	"rule": meta.custom.id,
	"title": meta.title,
	"citation": meta.custom.citation,
	"msg": msg,
	"evidence": evidence,
}

# reason_cited is reason with a citation that overrides the METADATA one, for
# rules whose citation depends on the matched item (a goods category, a list).
reason_cited(meta, msg, evidence, citation) := {
	"rule": meta.custom.id,
	"title": meta.title,
	"citation": citation,
	"msg": msg,
	"evidence": evidence,
}

# pointer returns the evidence pointer to item i of a list of the decision:
# pointer("matches", 0) is "matches[0]". The lists are matches, parties
# (the screened parties), goods, fields (the input row) and truncated (what
# was cut to the limits); route facts point at "route.<field>". Every
# evidence pointer of a reason must resolve in the decision: one that does
# not makes the record's decision error. Build pointers with this function
# only.
pointer(list, i) := sprintf("%s[%d]", [list, i])

# params holds the thresholds and tables of policy data.
params := data.screen.params
