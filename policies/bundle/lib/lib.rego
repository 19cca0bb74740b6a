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

# params holds the thresholds and tables of policy data.
params := data.screen.params
