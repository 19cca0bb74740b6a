package record

// Alert kinds: what changed for a record between two screenings of it.
const (
	// AlertNewHit: a listed entity is now a finding for a party of the
	// record (a designation, or a new name of a listed entity).
	AlertNewHit = "new_hit"
	// AlertHitRemoved: an entity that was a finding for a party no longer
	// is (a delisting, or a name taken off a listed entity).
	AlertHitRemoved = "hit_removed"
	// AlertHitChanged: an entity is still a finding for the party, but its
	// listing, its score, the name that matched or the rules citing it
	// changed.
	AlertHitChanged = "hit_changed"
	// AlertDecisionChanged: the record's decision changed with no change
	// of its hits (goods, route or ownership findings, policies).
	AlertDecisionChanged = "decision_changed"
	// AlertError: the record could not be decided again; its previous
	// hits stand until it can.
	AlertError = "error"
)

// Cause kinds: why an alert was raised.
const (
	// CauseAdded, CauseRemoved and CauseChanged: the entity of the hit was
	// added to, removed from or changed in its list (Alert.Cause names
	// the list change).
	CauseAdded   = "added"
	CauseRemoved = "removed"
	CauseChanged = "changed"
	// CauseRelated: the listing of an entity related to the hit's entity
	// (an owner, a holding, a link, directly or down a chain) changed,
	// and with it the hit's ownership findings; Cause names that entity
	// and its change.
	CauseRelated = "related"
	// CauseLists: the lists changed, but no recorded change of the hit's
	// entity explains it (lists given as files rather than a store, or a
	// change to other entities that moved this one out of the best
	// matches).
	CauseLists = "lists"
	// CausePolicy: the policies or the engine changed.
	CausePolicy = "policy"
	// CauseItem: the item is new to the portfolio (or its record
	// changed) and its first screening found the hit: a hit nobody has
	// decided yet is an alert, never only a stored state.
	CauseItem = "item"
)

// Alert is one change of a record's findings between two screenings: a
// party that now matches a listed entity, no longer matches it, or matches
// it differently. `screen monitor`, `screen rescreen` and the server's
// monitoring attach the alerts of a record to its new decision
// (Decision.Alerts); the JSON field names are a contract like the
// decision's.
type Alert struct {
	// Kind is AlertNewHit, AlertHitRemoved, AlertHitChanged,
	// AlertDecisionChanged or AlertError.
	Kind string `json:"kind"`
	// Portfolio and Item name the monitored record: the portfolio and the
	// item's key in it (empty outside monitoring).
	Portfolio string `json:"portfolio,omitempty"`
	Item      string `json:"item,omitempty"`
	// EntityID, List and Name are the listed entity of the hit (empty for
	// AlertDecisionChanged and AlertError).
	EntityID string `json:"entity_id,omitempty"`
	List     string `json:"list,omitempty"`
	Name     string `json:"name,omitempty"`
	// Party indexes the record's parties (-1 when the alert is about the
	// whole record); Role and Query are that party's role and name.
	Party int    `json:"party"`
	Role  string `json:"role,omitempty"`
	Query string `json:"query,omitempty"`
	// PreviousDecision and Decision are the record's decision before and
	// after.
	PreviousDecision string `json:"previous_decision"`
	Decision         string `json:"decision"`
	// Before and After are the hit before and after (nil when there was
	// none, or is none).
	Before *HitState `json:"before,omitempty"`
	After  *HitState `json:"after,omitempty"`
	// Cause is why the alert was raised.
	Cause AlertCause `json:"cause"`
	// Message says in one sentence what changed, for people.
	Message string `json:"message"`
}

// HitState is a hit as one screening saw it: a match that a policy reason
// cites.
type HitState struct {
	// MatchedName is the listed name or alias that matched.
	MatchedName string `json:"matched_name"`
	// Score is the match score.
	Score float64 `json:"score"`
	// Severity is the most severe of the reasons citing the match.
	Severity string `json:"severity"`
	// Rules are the ids of the reasons citing the match, sorted.
	Rules []string `json:"rules"`
}

// AlertCause is why an alert was raised: the list change of the hit's
// entity, or what else changed.
type AlertCause struct {
	// Change is CauseAdded, CauseRemoved, CauseChanged, CauseRelated,
	// CauseLists, CausePolicy or CauseItem.
	Change string `json:"change"`
	// List and EntityID name the changed entity (list changes).
	List     string `json:"list,omitempty"`
	EntityID string `json:"entity_id,omitempty"`
	// Fields are the changed fields of the entity by their JSON names
	// ("aliases", "identifiers", ...), for CauseChanged.
	Fields []string `json:"fields,omitempty"`
	// Seq is the list store's change number (0 when unknown).
	Seq int64 `json:"seq,omitempty"`
	// FromVersion and ToVersion are the list versions the change went
	// between.
	FromVersion string `json:"from_version,omitempty"`
	ToVersion   string `json:"to_version,omitempty"`
	// Detail says the cause in words.
	Detail string `json:"detail"`
}
