// Package record defines the data that flows through a screen: the input
// Record (parties, goods lines, route) and the Decision it yields. The JSON
// field names of Decision are a contract with CI jobs and procurement systems.
package record

// Party roles found in shipment rows. A party row has RoleParty.
const (
	RoleParty        = "party"
	RoleShipper      = "shipper"
	RoleConsignee    = "consignee"
	RoleNotifyParty  = "notify_party"
	RoleBuyer        = "buyer"
	RoleSeller       = "seller"
	RoleManufacturer = "manufacturer"
	RoleCarrier      = "carrier"
	RoleVessel       = "vessel"
)

// Party is one counterparty of a record.
type Party struct {
	Role string `json:"role"`
	Name string `json:"name"`
	// Kind is person, organization, vessel, aircraft or "" when unknown.
	Kind     string `json:"kind,omitempty"`
	Country  string `json:"country,omitempty"`
	DOB      string `json:"dob,omitempty"`
	IDNumber string `json:"id_number,omitempty"`
	IMO      string `json:"imo,omitempty"`
}

// GoodsLine is one line of goods or services.
type GoodsLine struct {
	HS          string `json:"hs,omitempty"`
	Description string `json:"description,omitempty"`
	Quantity    string `json:"quantity,omitempty"`
	Unit        string `json:"unit,omitempty"`
	Value       string `json:"value,omitempty"`
	Currency    string `json:"currency,omitempty"`
}

// Route is where the goods move.
type Route struct {
	Origin          string   `json:"origin_country,omitempty"`
	Destination     string   `json:"destination_country,omitempty"`
	PortOfLoading   string   `json:"port_of_loading,omitempty"`
	PortOfDischarge string   `json:"port_of_discharge,omitempty"`
	Transshipment   []string `json:"transshipment,omitempty"`
}

// Field is one input cell as the user gave it.
type Field struct {
	Column string `json:"column"`
	Value  string `json:"value"`
}

// Record is one input row: a party row or a shipment row.
type Record struct {
	// ID is the record id from the input, or "" (then reports use the row).
	ID string `json:"id,omitempty"`
	// Source is the input file name ("-" for stdin).
	Source string `json:"source,omitempty"`
	// Row is the 1-based data row number in the source (header excluded).
	Row     int         `json:"row,omitempty"`
	Date    string      `json:"date,omitempty"`
	Parties []Party     `json:"parties,omitempty"`
	Goods   []GoodsLine `json:"goods,omitempty"`
	Route   Route       `json:"route,omitzero"`
	// Fields is the input row as the user gave it, in column order.
	Fields []Field `json:"fields,omitempty"`
	// Err is set when the row could not be read; the record then yields a
	// decision "error" naming the problem.
	Err string `json:"error,omitempty"`
	// Truncated says what input was cut to the matching limits (characters
	// and tokens per name, parties and goods lines per record), one entry
	// per cut, naming the field ("parties[0].name: 30000 characters, 1000
	// screened"). A record with cuts is never clear: the policy reports
	// input.truncated.
	Truncated []string `json:"truncated,omitempty"`
}

// Decision outcomes, from least to most severe (Error is handled as at least Review).
const (
	Clear  = "clear"
	Review = "review"
	Block  = "block"
	Error  = "error"
)

// Severity returns a rank for a decision outcome: clear 0, review 1, block 2,
// error 3. Unknown outcomes rank as error, so they are never taken as clear.
func Severity(decision string) int {
	switch decision {
	case Clear:
		return 0
	case Review:
		return 1
	case Block:
		return 2
	default:
		return 3
	}
}

// Reason is one finding of a policy rule.
type Reason struct {
	Rule     string   `json:"rule"`
	Severity string   `json:"severity"`
	Title    string   `json:"title"`
	Message  string   `json:"message"`
	Citation string   `json:"citation,omitempty"`
	Evidence []string `json:"evidence,omitempty"`
	// Fingerprint identifies the finding across runs (record, rule and the
	// entities or goods it points at), for baselines and review.
	Fingerprint string `json:"fingerprint,omitempty"`
	// SuppressedBy explains why the finding no longer counts toward the
	// decision (a .screenignore.yaml entry); empty when it counts.
	SuppressedBy string `json:"suppressed_by,omitempty"`
	// Baseline is BaselineKnown when the finding was already in the
	// --baseline report. It still counts toward the decision: a baseline
	// tells what is new, it never clears a finding.
	Baseline string `json:"baseline,omitempty"`
}

// BaselineKnown is Reason.Baseline for a finding already in the baseline.
const BaselineKnown = "known"

// Feature is one contribution to a match score.
type Feature struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Detail string  `json:"detail,omitempty"`
}

// Match is a list entity found for one party of a record.
type Match struct {
	Role string `json:"role"`
	// Party indexes Record.Parties.
	Party       int     `json:"party"`
	Query       string  `json:"query"`
	EntityID    string  `json:"entity_id"`
	List        string  `json:"list"`
	Kind        string  `json:"kind,omitempty"`
	Name        string  `json:"name"`
	MatchedName string  `json:"matched_name"`
	Score       float64 `json:"score"`
	// NameScore is the score of the names alone, before date of birth,
	// country, kind and identifiers lift or lower it. Policies compare it
	// with the block and review lines too, so that qualifiers never move a
	// match across a line on their own.
	NameScore float64 `json:"name_score"`
	// Conflicts lists qualifiers that contradict the match, such as an IMO
	// number that differs from the listed one ("imo: 9123456 given, 9876543
	// listed"). A match with a conflict is not a block on the name alone.
	Conflicts []string `json:"conflicts,omitempty"`
	// IDMatch names the identifier that matched ("imo 9123456"), or "".
	IDMatch     string    `json:"id_match,omitempty"`
	Programs    []string  `json:"programs"`
	Explanation string    `json:"explanation"`
	Features    []Feature `json:"features,omitempty"`
}

// Category is a UN measure category a goods line falls in.
type Category struct {
	ID         string  `json:"id"`
	Title      string  `json:"title,omitempty"`
	Direction  string  `json:"direction,omitempty"`
	Measure    string  `json:"measure,omitempty"`
	Citation   string  `json:"citation,omitempty"`
	Confidence float64 `json:"confidence,omitempty"`
	// MatchedBy says how the line was classified: "hs:2818.20" or "description:alumina".
	MatchedBy string `json:"matched_by,omitempty"`
	// Context is true when no reason of the decision used the category: it
	// describes the goods (what they would be if the route touched the
	// DPRK) and is not a finding. Reports set it (report.MarkContext).
	Context bool `json:"context,omitempty"`
}

// Goods is the classification of one goods line.
type Goods struct {
	Line        int        `json:"line"`
	HS          string     `json:"hs,omitempty"`
	Description string     `json:"description,omitempty"`
	Categories  []string   `json:"categories"`
	Details     []Category `json:"details,omitempty"`
	Error       string     `json:"error,omitempty"`
}

// Provenance records what a decision was made with.
type Provenance struct {
	// Lists maps list name to list version.
	Lists        map[string]string `json:"lists"`
	PolicySHA256 string            `json:"policy_sha256"`
	Engine       string            `json:"engine"`
	// Snapshot is the id of the published list snapshot the lists came
	// from (`screen serve --snapshots`); empty when they were loaded from
	// list files, the list store or the built-in sample.
	Snapshot string `json:"snapshot,omitempty"`
}

// Decision is the result of screening one record.
type Decision struct {
	ID       string   `json:"id"`
	Source   string   `json:"source,omitempty"`
	Row      int      `json:"row"`
	Decision string   `json:"decision"`
	Reasons  []Reason `json:"reasons"`
	Matches  []Match  `json:"matches"`
	Goods    []Goods  `json:"goods"`
	// Parties, Route, Fields and Truncated are the screened input, which
	// evidence pointers point into ("parties[1]", "route.origin_country",
	// "fields[4]", "truncated[0]"); each is left out when empty.
	Parties    []Party    `json:"parties,omitempty"`
	Route      *Route     `json:"route,omitempty"`
	Fields     []Field    `json:"fields,omitempty"`
	Truncated  []string   `json:"truncated,omitempty"`
	Provenance Provenance `json:"provenance"`
	// Error explains a decision "error".
	Error string `json:"error,omitempty"`
	// Alerts say what changed for the record since an earlier screening
	// of it (`screen monitor`, `screen rescreen`); empty otherwise.
	Alerts []Alert `json:"alerts,omitempty"`
	// Record is the screened input, kept for reports and review; it is not
	// part of the JSON contract.
	Record *Record `json:"-"`
}

// FillEmptyLists sets absent reasons, matches and goods to empty lists, so
// that JSON writes them as [] rather than null, as every JSON output of a
// decision does (the CLI's reports, the HTTP API, the MCP tools).
func (d *Decision) FillEmptyLists() {
	if d.Reasons == nil {
		d.Reasons = []Reason{}
	}
	if d.Matches == nil {
		d.Matches = []Match{}
	}
	if d.Goods == nil {
		d.Goods = []Goods{}
	}
}
