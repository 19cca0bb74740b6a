# Services with a DPRK counterparty or route: overseas labour, joint
# ventures and cooperative entities, processing on commission, financial
# services, bulk cash, specialised training and fishing rights.

# METADATA
# scope: package
# custom:
#   requires: [dprk_route]
package screen.rules.dprk_services

import data.screen.lib
import data.screen.lib.dprk

service(d) if startswith(d.id, "dprk.services.")

# connected(d): the service has a DPRK nexus in its direction, or a DPRK
# counterparty (the label - trainee, technology exchange - does not matter).
connected(d) if dprk.applies(d)

connected(_) if count(dprk.dprk_parties) > 0

lines contains [i, g, d] if {
	some i, g in input.goods
	some d in dprk.details(g)
	service(d)
	connected(d)
}

# METADATA
# title: Prohibited service with a DPRK counterparty
# description: >-
#   A line describes a service the resolutions prohibit with the DPRK:
#   income-earning work by DPRK nationals abroad (whatever the label:
#   dispatched workers, trainees, technology exchange, IT freelancers),
#   joint ventures or cooperative entities with DPRK entities or
#   individuals, bulk cash or cash couriers, specialised teaching in
#   proliferation-sensitive disciplines, or the purchase of DPRK fishing
#   rights.
# related_resources:
#   - ref: https://undocs.org/S/RES/2397(2017)
#     description: UNSCR 2397 (2017) para 8 (repatriation of DPRK workers)
#   - ref: https://undocs.org/S/RES/2375(2017)
#     description: UNSCR 2375 (2017) paras 17-18
#   - ref: https://undocs.org/S/RES/2371(2017)
#     description: UNSCR 2371 (2017) paras 11-12
#   - ref: https://undocs.org/S/RES/2270(2016)
#     description: UNSCR 2270 (2016) para 17
# custom:
#   id: dprk.services.prohibited
#   severity: block
#   citation: UN DPRK services measures (see the category citation)
deny contains r if {
	not dprk.exempted
	some [i, g, d] in lines
	dprk.banned(d)
	r := lib.reason_cited(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: %s with a DPRK counterparty (%s)", [i, dprk.label(g), d.title, d.matched_by]),
		dprk.nexus_evidence(i),
		d.citation,
	)
}

# METADATA
# title: Service with a DPRK counterparty needs review
# description: >-
#   A line describes a service that may be prohibited with the DPRK:
#   financial services (correspondent banking, trade finance, insurance),
#   processing on commission with DPRK factories (a possible cooperative
#   entity), a prohibited service found only weakly in the description, or
#   one whose row cites an exemption.
# related_resources:
#   - ref: https://undocs.org/S/RES/2094(2013)
#     description: UNSCR 2094 (2013) para 11
#   - ref: https://undocs.org/S/RES/2375(2017)
#     description: UNSCR 2375 (2017) para 18
# custom:
#   id: dprk.services.review
#   severity: review
#   citation: UN DPRK services measures (see the category citation)
warn contains r if {
	some [i, g, d] in lines
	dprk.reviewable(d)
	r := lib.reason_cited(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: %s with a DPRK counterparty; %s", [i, dprk.label(g), d.title, dprk.why(d)]),
		dprk.nexus_evidence(i),
		d.citation,
	)
}

# METADATA
# title: Prohibited DPRK service with an exemption reference
# description: >-
#   A prohibited service with a DPRK counterparty cites a 1718 Committee
#   exemption or approval (case-by-case approvals exist for labour and joint
#   ventures). Check the reference; never cleared automatically.
# related_resources:
#   - ref: https://undocs.org/S/RES/2397(2017)
#     description: UNSCR 2397 (2017) para 25
# custom:
#   id: dprk.services.exempted
#   severity: review
#   citation: UNSCR 2397 (2017) para 25
warn contains r if {
	dprk.exempted
	some [i, g, d] in lines
	dprk.banned(d)
	r := lib.reason_cited(
		rego.metadata.rule(),
		sprintf("goods[%d] %s: %s with a DPRK counterparty is prohibited unless approved; exemption cited: %s", [i, dprk.label(g), d.title, dprk.exemption_ref]),
		array.concat(dprk.nexus_evidence(i), dprk.exemption_evidence),
		sprintf("%s; UNSCR 2397 (2017) para 25", [d.citation]),
	)
}
